//! The offline demo's owner page lists the credentials the fake accepts: it must say exactly
//! what the fake checks, or a newcomer's first connect fails.

use greenhouse_fake::harvest::{INGESTION_EMAIL, INGESTION_KEY, V1_FULL, V1_PARTIAL, V3_FULL, V3_PARTIAL, V3_USER};

#[test]
fn the_demo_owner_page_names_every_credential_the_fake_accepts() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/owner.html")).expect("www/owner.html");
    let board_key = greenhouse_fake::seed::job_board_api_key(greenhouse_fake::seed::DEMO_BOARD);
    for want in [board_key.as_str(), V1_FULL, V1_PARTIAL, V3_FULL.0, V3_FULL.1, V3_PARTIAL.0, V3_PARTIAL.1, V3_USER, INGESTION_KEY, INGESTION_EMAIL] {
        assert!(page.contains(&format!("<code>{want}</code>")), "www/owner.html lacks {want}");
    }
}

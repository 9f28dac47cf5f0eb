pub fn run(_args: &[String]) -> crate::setup::Result<()> {
    Err("not yet".into())
}

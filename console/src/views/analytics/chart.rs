//! The analytics charts as inline SVG, written as text (no chart library): a funnel of bars
//! and a daily line chart. Each is `role="img"` named by its `<title>` and described by its
//! `<desc>`; the view puts the same numbers in a table for screen readers. Every text that
//! reaches the markup (sources are chosen by whoever writes a link) is escaped here.

use shared::analytics::{Funnel, Kind};

/// Text for XML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The funnel's steps, in order.
pub const STEPS: [Kind; 4] = [Kind::ListView, Kind::JobView, Kind::Start, Kind::Submitted];

/// "3 of 5 (60 %)": a step against the one before it.
pub fn rate(n: u64, of: u64) -> String {
    (n * 100 + of / 2).checked_div(of).map(|p| format!("{p} %")).unwrap_or_default()
}

/// The funnel as horizontal bars, one per step, each with its label and number as text.
pub fn funnel_svg(id: &str, title: &str, f: &Funnel) -> String {
    let max = STEPS.iter().map(|k| f.get(*k)).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (170.0, 330.0, 40.0);
    let desc: Vec<String> = STEPS.iter().map(|k| format!("{}: {}", k.label(), f.get(*k))).collect();
    let mut s = format!(
        "<svg class=\"chart funnel\" role=\"img\" viewBox=\"0 0 600 {h}\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{t}</title><desc id=\"{id}-d\">{d}</desc>",
        h = row_h * STEPS.len() as f64,
        t = esc(title),
        d = esc(&desc.join(", ")),
    );
    let mut before = None;
    for (i, k) in STEPS.iter().enumerate() {
        let n = f.get(*k);
        let y = i as f64 * row_h;
        let w = (n as f64 / max as f64 * bar_w).max(if n > 0 { 2.0 } else { 0.0 });
        let r = before.map(|b| rate(n, b)).filter(|r| !r.is_empty()).map(|r| format!(" ({r})")).unwrap_or_default();
        s.push_str(&format!(
            "<g data-kind=\"{slug}\"><text x=\"0\" y=\"{ty}\" class=\"label\">{label}</text>\
             <rect x=\"{label_w}\" y=\"{ry}\" width=\"{w:.1}\" height=\"26\" rx=\"3\" class=\"bar\"></rect>\
             <text x=\"{nx:.1}\" y=\"{ty}\" class=\"value\">{n}{r}</text></g>",
            slug = k.slug(),
            ty = y + 24.0,
            ry = y + 6.0,
            label = esc(k.label()),
            nx = label_w + w + 8.0,
        ));
        before = Some(n);
    }
    s.push_str("</svg>");
    s
}

/// Line colours (each at least 4.5:1 on white) and dash patterns, so series differ by more
/// than colour.
pub const COLOURS: [&str; 5] = ["#0b6b57", "#1f5fbf", "#b3261e", "#7a4d00", "#6b3fa0"];
pub const DASHES: [&str; 5] = ["", "6 3", "2 3", "8 3 2 3", "1 2"];

/// A daily line chart: one line per series (at most [`COLOURS`]'s length), the first and last
/// day under the x axis, the highest value beside the y axis.
pub fn daily_svg(id: &str, title: &str, days: &[String], series: &[(String, Vec<u64>)]) -> String {
    let (w, h, left, bottom, top) = (600.0, 220.0, 40.0, 24.0, 10.0);
    let max = series.iter().flat_map(|(_, v)| v.iter().copied()).max().unwrap_or(0).max(1);
    let x = |i: usize| left + (w - left - 10.0) * if days.len() > 1 { i as f64 / (days.len() - 1) as f64 } else { 0.5 };
    let y = |v: u64| top + (h - top - bottom) * (1.0 - v as f64 / max as f64);
    let totals: Vec<String> = series.iter().map(|(name, v)| format!("{name}: {}", v.iter().sum::<u64>())).collect();
    let desc = match (days.first(), days.last()) {
        (Some(a), Some(b)) if !series.is_empty() => format!("From {a} to {b}. Totals: {}.", totals.join(", ")),
        _ => "Nothing counted yet.".into(),
    };
    let mut s = format!(
        "<svg class=\"chart daily\" role=\"img\" viewBox=\"0 0 {w} {h}\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{t}</title><desc id=\"{id}-d\">{d}</desc>\
         <line x1=\"{left}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" class=\"axis\"></line>\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{base}\" class=\"axis\"></line>\
         <text x=\"{lx}\" y=\"{ty}\" class=\"tick\" text-anchor=\"end\">{max}</text>\
         <text x=\"{lx}\" y=\"{base}\" class=\"tick\" text-anchor=\"end\">0</text>",
        t = esc(title),
        d = esc(&desc),
        base = h - bottom,
        right = w - 10.0,
        lx = left - 6.0,
        ty = top + 10.0,
    );
    if let (Some(a), Some(b)) = (days.first(), days.last()) {
        s.push_str(&format!(
            "<text x=\"{left}\" y=\"{h}\" class=\"tick\">{}</text><text x=\"{r}\" y=\"{h}\" class=\"tick\" text-anchor=\"end\">{}</text>",
            esc(a),
            esc(b),
            r = w - 10.0
        ));
    }
    for (i, (name, values)) in series.iter().take(COLOURS.len()).enumerate() {
        let points: Vec<String> = values.iter().enumerate().map(|(d, v)| format!("{:.1},{:.1}", x(d), y(*v))).collect();
        s.push_str(&format!(
            "<polyline data-series=\"{n}\" points=\"{p}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"></polyline>",
            n = esc(name),
            p = points.join(" "),
            c = COLOURS[i],
            dash = DASHES[i],
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_the_markup() {
        assert_eq!(esc("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
        let svg = daily_svg("c", "T <b>", &["2026-01-01".into()], &[("<img src=x onerror=alert(1)>".into(), vec![1])]);
        assert!(!svg.contains("<img") && !svg.contains("<b>"), "{svg}");
    }

    #[test]
    fn the_funnel_has_every_step_with_its_number_and_rate() {
        let f = Funnel { list_views: 10, job_views: 5, starts: 2, submitted: 1, delivered: 1 };
        let svg = funnel_svg("f", "Funnel", &f);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-labelledby=\"f-t f-d\""));
        assert!(svg.contains("Views: 10, Job views: 5, Application starts: 2, Applications: 1"));
        assert!(svg.contains(">5 (50 %)</text>") && svg.contains(">2 (40 %)</text>") && svg.contains(">10</text>"));
        assert_eq!(svg.matches("<rect").count(), 4);
        // Nothing counted: no division by zero, empty bars.
        let empty = funnel_svg("f", "Funnel", &Funnel::default());
        assert!(empty.contains("width=\"0.0\"") && !empty.contains('%'));
    }

    #[test]
    fn a_daily_chart_draws_one_line_per_series() {
        let days: Vec<String> = (1..=3).map(|d| format!("2026-01-0{d}")).collect();
        let svg = daily_svg("d", "Views", &days, &[("linkedin".into(), vec![0, 2, 4]), ("direct".into(), vec![1, 1, 1])]);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("points=\"40.0,196.0 315.0,103.0 590.0,10.0\""), "{svg}");
        assert!(svg.contains("Totals: linkedin: 6, direct: 3."));
        assert!(daily_svg("d", "Views", &[], &[]).contains("Nothing counted yet."));
        assert_eq!(rate(1, 3), "33 %");
    }
}

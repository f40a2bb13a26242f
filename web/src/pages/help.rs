//! How a family member can help (代办).

use super::*;

/// How a family member can handle a matter for someone (代办): at a hall with a letter of
/// authority, or online with a mandate granted in the app.
#[component]
pub fn ProxyHelp() -> impl IntoView {
    view! {
        <article class="guide">
            <h1>{t!("proxy-heading")}</h1>
            <p>{t!("proxy-intro")}</p>
            <section aria-labelledby="proxy-today">
                <h2 id="proxy-today">{t!("proxy-today-heading")}</h2>
                <ul>
                    <li>{t!("proxy-today-hall")}</li>
                    <li>{t!("proxy-today-phone")}</li>
                </ul>
                <p><PhoneLink class="button" number="12345".to_owned()>{t!("care-call-help")}</PhoneLink></p>
            </section>
            <section aria-labelledby="proxy-online">
                <h2 id="proxy-online">{t!("proxy-online-heading")}</h2>
                <p>{t!("proxy-online-body")}</p>
                <p><a class="button button-wide" href="/mandates">{t!("mandates-title")}</a></p>
            </section>
        </article>
    }
}

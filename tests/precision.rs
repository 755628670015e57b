//! What carries no personal data (SPEC 4.4 wrappers, 4.5): each case puts what real merchant code does and
//! must stay silent beside the real leak that must still be reported. Lines marked `// leak` are the
//! only flow findings expected.

mod common;

use common::assert_marked_leaks as assert_leaks;

#[test]
fn secrecy_wrappers_mask_debug_and_expose_secret_opens_them() {
    let code = r#"use secrecy::{ExposeSecret, SecretString};
#[derive(pii_lint::Pii, Debug)]
pub struct Login {
    #[pii(category = "email", purpose = "service")]
    pub email: SecretString,
    #[pii(category = "account", purpose = "service")]
    pub user: String,
}
pub fn log(l: &Login) {
    log::info!("{:?}", l.email);
    tracing::info!(email = ?l.email, "login");
    log::info!("{}", l.email.expose_secret()); // leak
    log::info!("{:?}", l); // leak
}
"#;
    assert_leaks(code, "");
}

#[test]
fn masking_secrets_and_personal_types_over_them_print_masked() {
    let code = r#"use masking::{PeekInterface, Secret, StrongSecret};
#[derive(Debug, Clone, serde::Serialize)]
pub struct Email(Secret<String>);
#[derive(Debug, Clone, serde::Serialize)]
pub struct Card {
    pub number: StrongSecret<String>,
    pub holder: Option<Secret<String>>,
    pub email: Email,
}
pub fn pay(card: &Card) {
    log::info!("{:?}", card);
    log::info!("{:?}", card.email);
    log::info!("{:?}", card.holder);
    log::info!("{}", card.masked_serialize());
    log::info!("{}", card.number.peek()); // leak
    log::info!("{}", card.email.peek()); // leak
    let body = serde_json::to_string(card).unwrap();
    log::info!("{body}"); // leak
}
"#;
    let config = "[[data]]\npath = \"shop::Email\"\ncategory = \"email\"\npurposes = [\"service\"]\n\n[[data]]\npath = \"shop::Card.number\"\ncategory = \"financial\"\npurposes = [\"service\"]\n\n[[data]]\npath = \"shop::Card.holder\"\ncategory = \"name\"\npurposes = [\"service\"]\n";
    assert_leaks(code, config);
}

#[test]
fn data_put_into_a_wrapped_field_is_masked_and_declared_wrappers_count() {
    let code = r#"use vault_sdk::Sealed;
pub struct Browser {
    pub ip: String,
}
#[derive(Debug)]
pub struct Session {
    pub id: u64,
    pub shopper_ip: masking::Secret<String>,
}
#[derive(Debug)]
pub struct Audit {
    pub ip: Sealed<String>,
}
#[derive(Debug)]
pub struct Plain {
    pub ip: String,
}
pub fn build(b: &Browser) {
    let session = Session { id: 1, shopper_ip: b.ip.clone().into() };
    log::info!("{session:?}");
    let audit = Audit { ip: Sealed::new(b.ip.clone()) };
    log::info!("{audit:?}");
    log::info!("{}", audit.ip.open()); // leak
    let plain = Plain { ip: b.ip.clone() };
    log::info!("{plain:?}"); // leak
}
"#;
    let config = "[[data]]\npath = \"shop::Browser.ip\"\ncategory = \"ip_address\"\npurposes = [\"service\"]\n\n[[wrappers]]\npath = \"vault_sdk::Sealed\"\ndebug = \"redacted\"\nexpose = [\"open\"]\n";
    assert_leaks(code, config);
}

#[test]
fn settings_and_application_state_are_no_source() {
    let code = r#"#[derive(pii_lint::Pii, Debug, Clone)]
#[pii(category = "email", purpose = "service")]
pub struct EmailAddress(pub String);
#[derive(Debug)]
pub struct EmailSettings {
    pub sender: EmailAddress,
    pub host: String,
}
#[derive(Debug)]
pub struct AppState {
    pub email: EmailSettings,
    pub pool_size: u32,
    pub db_url: String,
}
#[derive(Debug)]
pub struct Order {
    pub id: u64,
    pub contact: EmailAddress,
}
pub fn start(state: &AppState, order: &Order) {
    log::info!("{:?}", state);
    log::info!("{:?}", state.email.sender);
    log::info!("{} {}", state.db_url, state.pool_size);
    log::info!("{:?}", order.contact); // leak
}
"#;
    assert_leaks(code, "");
}

#[test]
fn method_results_carry_only_the_fields_their_bodies_read() {
    let code = r#"#[derive(pii_lint::Pii, Debug)]
pub struct Customer {
    pub id: u64,
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
}
impl Customer {
    pub fn display_id(&self) -> String {
        format!("customer-{}", self.id)
    }
    pub fn contact(&self) -> String {
        format!("tel:{}", self.phone)
    }
    pub fn has_phone(&self) -> bool {
        !self.phone.is_empty()
    }
}
pub fn show(c: &Customer, all: &[Customer]) {
    log::info!("{}", c.display_id());
    log::info!("{}", c.has_phone());
    log::info!("{}", all.iter().filter(|x| x.phone.starts_with("86")).count());
    log::info!("{}", all.iter().any(|x| x.phone == c.phone));
    log::info!("{}", c.contact()); // leak
}
"#;
    assert_leaks(code, "");
}

#[test]
fn dependency_errors_carry_nothing_and_workspace_errors_what_they_were_built_from() {
    let code = r#"#[derive(pii_lint::Pii, Debug, Clone)]
pub struct Customer {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
pub struct Address(pub String);
pub fn parse(s: &str) -> Result<Address, String> {
    if !s.contains('@') {
        return Err(format!("{s} is not a valid e-mail"));
    }
    Ok(Address(s.to_string()))
}
pub fn load(c: &Customer) -> Result<Customer, std::io::Error> {
    Ok(c.clone())
}
pub fn send(c: &Customer, client: &reqwest::Client) {
    if let Err(e) = lettre::Message::builder().to(c.email.parse().unwrap()).body(String::new()) {
        log::warn!("mail not built: {e}");
    }
    match load(c) {
        Ok(_) => {}
        Err(e) => log::error!("{e:?}"),
    }
    let _ = client.get(&c.email).send().map_err(|e| log::warn!("{e}"));
    match parse(&c.email) {
        Err(e) => log::warn!("{e}"), // leak
        Ok(_) => {}
    }
    if let error @ Err(_) = load(c) {
        log::error!("{error:?}");
    }
}
"#;
    assert_leaks(code, "");
}

#[test]
fn values_remember_their_variant_and_types_without_text_carry_nothing() {
    let code = r#"#[derive(pii_lint::Pii, Debug, Clone)]
pub struct Customer {
    pub id: u64,
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
}
#[derive(Debug)]
pub enum Entry {
    SetNx { key: u64, owner: u64 },
    Profile(Customer),
}
#[derive(Debug, Clone, Copy)]
pub struct CustomerId(pub u64);
pub fn ids(c: &Customer) -> CustomerId {
    CustomerId(c.id + c.phone.len() as u64)
}
pub fn cache(c: &Customer) {
    let lock = Entry::SetNx { key: c.id, owner: 1 };
    log::debug!("{lock:?}");
    let id: u64 = c.phone.parse().unwrap_or(0);
    log::debug!("{id}");
    log::debug!("{:?}", ids(c));
    let profile = Entry::Profile(c.clone());
    log::debug!("{profile:?}"); // leak
    if let Entry::Profile(p) = profile {
        log::debug!("{}", p.phone); // leak
    }
}
"#;
    assert_leaks(code, "");
}

#[test]
fn each_parameter_carries_only_what_callers_pass_in_it() {
    let code = r#"#[derive(pii_lint::Pii, Debug, Clone)]
pub struct Customer {
    pub id: u64,
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
}
#[derive(Debug)]
pub struct Request {
    pub id: u64,
    pub phone: Option<String>,
}
fn pair((session, data): (u64, &Customer)) -> u64 {
    log::info!("{session}");
    log::info!("{}", data.phone); // leak
    session
}
fn build(id: u64) -> Request {
    Request { id, phone: None }
}
pub fn run(c: &Customer) {
    pair((c.id, c));
    let request = build(c.id);
    log::info!("{request:?}");
}
"#;
    assert_leaks(code, "");
}

#[test]
fn what_an_encryptor_calls_to_do_its_work_is_no_flow() {
    let code = r#"#[derive(pii_lint::Pii, Debug, Clone, serde::Serialize)]
pub struct Customer {
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
}
fn call_key_service(client: &reqwest::Client, plain: &str) -> Vec<u8> {
    let _ = client.post("https://keys.internal/encrypt").json(&plain).send();
    Vec::new()
}
#[pii_lint::encryptor]
pub fn encrypt(client: &reqwest::Client, plain: &str) -> Vec<u8> {
    call_key_service(client, plain)
}
pub fn store(client: &reqwest::Client, c: &Customer) -> Vec<u8> {
    let _ = client.post("https://partner.example/crm").json(c).send(); // leak PII006
    encrypt(client, &c.phone)
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_dependency_call_returns_its_receiver_not_what_it_is_given() {
    let code = r#"#[derive(pii_lint::Pii, Debug, Clone)]
pub struct Customer {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
pub trait Render {
    fn render(data: &Customer) -> String;
}
pub fn lookup<R: Render>(db: &sqlx::PgPool, client: &reqwest::Client, c: &Customer) {
    let found = db.find_by_email(&c.email);
    log::info!("{found:?}");
    let response = client.execute(c.email.clone());
    log::info!("{response:?}");
    let page = R::render(c);
    log::info!("{page}");
    let fallback = None.unwrap_or(c.email.clone());
    log::info!("{fallback}"); // leak
    let trimmed = c.email.trim();
    log::info!("{trimmed}"); // leak
    let converted = R::from(c.email.clone());
    log::info!("{converted:?}"); // leak
}
"#;
    assert_leaks(code, "");
}

#[test]
fn well_known_hashes_and_ciphers_and_declared_dependency_functions_protect_data() {
    let code = r#"use aes_gcm::aead::Aead;
#[derive(pii_lint::Pii)]
pub struct Signup {
    #[pii(category = "credential", purpose = "security")]
    pub password: String,
    #[pii(category = "id_number", purpose = "legal_obligation")]
    pub id_card: String,
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
}
pub async fn save(pool: &sqlx::PgPool, cipher: &aes_gcm::Aes256Gcm, s: &Signup) {
    let hashed = bcrypt::hash(&s.password, 12).unwrap();
    let digest = sha2::Sha256::digest(s.id_card.as_bytes());
    let sealed = cipher.encrypt(&nonce(), s.id_card.as_bytes()).unwrap();
    let _ = sqlx::query("INSERT INTO signups VALUES ($1, $2, $3)")
        .bind(&hashed)
        .bind(digest.to_vec())
        .bind(&sealed)
        .bind(&s.password) // leak PII008
        .execute(pool)
        .await;
    log::info!("{}", pii_mask::mask(&s.phone));
    log::info!("{}", s.phone); // leak
}
fn nonce() -> [u8; 12] {
    [0; 12]
}
"#;
    let config = "[[sanitizers]]\npath = \"pii_mask::mask\"\n";
    assert_leaks(code, config);
}

#[test]
fn a_field_its_type_hides_stays_hidden_in_a_callee() {
    // `Job` holds no personal data of its own, but the email put into its `#[serde(skip)]` field is
    // known to be there: serialised by the callee, the type still hides it (as in the caller itself).
    let code = r#"#[derive(pii_lint::Pii)]
pub struct User {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
#[derive(Default, serde::Serialize)]
pub struct Job {
    pub id: u64,
    #[serde(skip)]
    pub payload: String,
}
pub fn enqueue(job: &Job) {
    log::info!("{}", serde_json::to_string(job).unwrap());
}
pub fn signup(u: &User) {
    log::info!("{}", serde_json::to_string(&Job { payload: u.email.clone(), ..Default::default() }).unwrap());
    enqueue(&Job { payload: u.email.clone(), ..Default::default() });
    log::info!("{}", u.email); // leak
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_conversion_reaches_only_the_impl_for_its_argument_type() {
    // One `From` impl per provider response, as payment connectors write them: the call hands the
    // customer's email to Stripe's conversion only, so Adyen's debug log never sees it.
    let code = r#"#[derive(pii_lint::Pii)]
pub struct Customer {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
#[derive(Debug)]
pub struct StripeResponse {
    pub id: String,
}
#[derive(Debug)]
pub struct AdyenResponse {
    pub reference: String,
}
#[derive(Debug)]
pub struct ResponseData<R> {
    pub response: R,
    pub code: u16,
}
pub struct Payment {
    pub note: String,
}
impl From<ResponseData<StripeResponse>> for Payment {
    fn from(item: ResponseData<StripeResponse>) -> Self {
        log::info!("{:?}", item); // leak
        Payment { note: String::new() }
    }
}
impl From<ResponseData<AdyenResponse>> for Payment {
    fn from(item: ResponseData<AdyenResponse>) -> Self {
        log::debug!("{:?}", item);
        Payment { note: String::new() }
    }
}
pub fn settle(c: &Customer) -> Payment {
    let response = StripeResponse { id: c.email.clone() };
    Payment::from(ResponseData { response, code: 200 })
}
pub fn settle_adyen() -> Payment {
    let response = AdyenResponse { reference: String::new() };
    Payment::from(ResponseData { response, code: 200 })
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_turbofish_of_several_types_does_not_say_what_a_workspace_function_returns() {
    // `payments_core::<F, Res, _, _, _, D>(..)` returns `Res`, not the last type the turbofish names:
    // which of several type parameters a workspace function returns is not known here.
    let code = r#"#[derive(Debug, pii_lint::Pii)]
pub struct CustomerRecord {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
#[derive(Debug, Default)]
pub struct Summary {
    pub count: u32,
}
#[derive(Debug)]
pub struct Failed;
pub fn load<Res: Default, D>(_data: D) -> Result<Res, Failed> {
    Ok(Res::default())
}
pub fn report(record: CustomerRecord) -> Result<(), Failed> {
    let summary = load::<Summary, CustomerRecord>(record)?;
    log::info!("{:?}", summary);
    Ok(())
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_turbofish_says_nothing_of_a_result_that_is_not_a_type_parameter() {
    // `send::<Customer>(c)` names the body's type; the result is a dependency's `Response`.
    let code = r#"use reqwest::Response;
#[derive(pii_lint::Pii, serde::Serialize)]
pub struct Customer {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
#[derive(Debug)]
pub struct Failed;
pub fn send<B: serde::Serialize>(body: &B) -> Result<Response, Failed> {
    let _ = serde_json::to_string(body);
    Err(Failed)
}
pub fn signup(c: &Customer) -> Result<(), Failed> {
    let response = send::<Customer>(c)?;
    log::info!("{:?}", response.status());
    Ok(())
}
"#;
    assert_leaks(code, "");
}

#[test]
fn self_in_an_impl_for_one_alias_is_not_another_aliases() {
    // Both impls are `RouterData`'s (written for aliases), but `Self::describe` and `self.describe()` in
    // the capture impl are the capture impl's own.
    let code = r#"#[derive(pii_lint::Pii)]
pub struct Customer {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
pub struct RouterData<F> {
    pub flow: F,
    pub note: String,
}
pub struct Authorize;
pub struct Capture;
pub type AuthData = RouterData<Authorize>;
pub type CapData = RouterData<Capture>;
impl AuthData {
    pub fn describe(note: String) -> String {
        log::info!("authorizing {}", note); // leak
        note
    }
    pub fn shout(&self, note: String) {
        log::info!("authorizing {}", note);
    }
    pub fn authorize(c: &Customer) -> String {
        Self::describe(c.email.clone())
    }
}
impl CapData {
    pub fn describe(note: String) -> String {
        note
    }
    pub fn shout(&self, _note: String) {}
    pub fn run(&self, c: &Customer) -> String {
        self.shout(c.email.clone());
        Self::describe(c.email.clone())
    }
}
"#;
    assert_leaks(code, "");
}

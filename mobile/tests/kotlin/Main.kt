// The generated Kotlin bindings and the native library, on the JVM, against a real server.
// Ends with "N passed, N failed" and a non-zero exit on failure (no JUnit here).
package tongban.tests

import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking
import tongban.platform.UrlConnectionTransport
import uniffi.tongban_core.ApiException
import uniffi.tongban_core.ApplicationStatus
import uniffi.tongban_core.Audience
import uniffi.tongban_core.Decision
import uniffi.tongban_core.Reason
import uniffi.tongban_core.MatterType
import uniffi.tongban_core.RealNameLevel
import uniffi.tongban_mobile.DraftKeys
import uniffi.tongban_mobile.SecretStore
import uniffi.tongban_mobile.Speaker
import uniffi.tongban_mobile.TongbanClient
import uniffi.tongban_mobile.checkShown
import uniffi.tongban_mobile.showCertificate
import uniffi.tongban_mobile.walletState

/** A real 8×8 JPEG (the server stores only pictures it can read, without their metadata). */
internal val PHOTO_JPEG: ByteArray = java.util.Base64.getDecoder().decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSgBBwcHCggKEwoKEygaFhooKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKP/AABEIAAgACAMBEQACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/AOXr9FPmD//Z"
)

/** The Android app's own HTTP stack for core (HttpURLConnection), here on the JDK's. */
internal val HTTP = UrlConnectionTransport()

private var passed = 0
private var failed = 0

internal fun check(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("ok   $name")
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: $e")
    }
}

internal fun expect(condition: Boolean, message: () -> String) {
    if (!condition) throw AssertionError(message())
}

/// The shell's secure store, as a test stands it in: Android would back it with the Keystore.
class MemorySecretStore : SecretStore {
    @Volatile var token: String? = null
    override fun load(): String? = token
    override fun save(token: String) { this.token = token }
    override fun clear() { token = null }
}

/// The shell's draft keys, as a test stands them in: Android would keep them wrapped by the Keystore.
class MemoryDraftKeys : DraftKeys {
    private val keys = java.util.concurrent.ConcurrentHashMap<String, ByteArray>()
    override fun draftKey(accountId: String): ByteArray =
        keys.getOrPut(accountId) { ByteArray(32).also { java.security.SecureRandom().nextBytes(it) } }
}

/// The platform's text-to-speech, as a test stands it in: it writes down what it was asked to say.
class RecordingSpeaker : Speaker {
    val said = java.util.Collections.synchronizedList(mutableListOf<Pair<String, String>>())
    override fun speak(text: String, language: String) { said.add(text to language) }
}

private fun post(url: String, json: String, bearer: String? = null): String {
    val connection = java.net.URL(url).openConnection() as java.net.HttpURLConnection
    connection.requestMethod = "POST"
    connection.doOutput = true
    connection.setRequestProperty("content-type", "application/json")
    bearer?.let { connection.setRequestProperty("authorization", "Bearer $it") }
    connection.outputStream.use { it.write(json.toByteArray()) }
    val code = connection.responseCode
    val body = (if (code < 400) connection.inputStream else connection.errorStream).bufferedReader().readText()
    if (code >= 400) error("POST $url answered $code: $body")
    return body
}

/// Department staff move an application along (as the staff page or CLI would).
internal fun staffMove(baseUrl: String, applicationId: String, status: String, fields: List<String> = emptyList()) {
    val username = System.getenv("TONGBAN_STAFF_USERNAME") ?: error("TONGBAN_STAFF_USERNAME is not set")
    val password = System.getenv("TONGBAN_STAFF_PASSWORD") ?: error("TONGBAN_STAFF_PASSWORD is not set")
    val login = post("$baseUrl/api/v1/staff/login", "{\"username\":\"$username\",\"password\":\"$password\",\"delivery\":\"token\"}")
    val token = Regex("\"token\":\"([^\"]+)\"").find(login)?.groupValues?.get(1) ?: error("no staff token in $login")
    val list = fields.joinToString(",") { "\"$it\"" }
    post("$baseUrl/api/v1/staff/applications/$applicationId/status",
        "{\"status\":\"$status\",\"message\":\"请补充\",\"fields\":[$list]}", token)
}

/// A ticket the demo host super-app's backend signs for the person with this phone.
internal fun demoHostTicket(phone: String): String {
    val demoHost = System.getenv("TONGBAN_DEMO_HOST_URL") ?: error("TONGBAN_DEMO_HOST_URL is not set")
    val connection = java.net.URL("$demoHost/ticket").openConnection() as java.net.HttpURLConnection
    connection.requestMethod = "POST"
    connection.doOutput = true
    connection.setRequestProperty("content-type", "application/json")
    connection.outputStream.use { it.write("{\"phone\":\"$phone\"}".toByteArray()) }
    val body = connection.inputStream.bufferedReader().readText()
    return Regex("\"ticket\":\"([^\"]+)\"").find(body)?.groupValues?.get(1) ?: error("no ticket in $body")
}

/// The code the development SMS sender wrote to the server's log for this (masked) phone.
internal fun codeFromServerLog(maskedPhone: String): String {
    val log = System.getenv("TONGBAN_SERVER_LOG") ?: error("TONGBAN_SERVER_LOG is not set")
    val pattern = Regex("""code="?(\d{6})""")
    repeat(50) {
        val line = java.io.File(log).readLines()
            .lastOrNull { it.contains("development SMS") && it.contains("phone=$maskedPhone") }
        val code = line?.let { pattern.find(it)?.groupValues?.get(1) }
        if (code != null) return code
        Thread.sleep(100)
    }
    error("no development SMS for $maskedPhone in $log")
}

fun main() {
    val baseUrl = System.getenv("TONGBAN_BASE_URL")
        ?: error("TONGBAN_BASE_URL is not set: run these tests through `cargo xtask test`")

    check("lists the seeded catalog, most used first") {
        val matters = runBlocking { TongbanClient(baseUrl, HTTP).listMatters() }
        expect(matters.size >= 12) { "only ${matters.size} matters" }
        val first = matters.first()
        expect(first.name.zh == "居民身份证换领") { "first is ${first.name.zh}" }
        expect(first.name.en == "Resident ID card renewal") { "english name ${first.name.en}" }
        expect(first.matterType == MatterType.ADMINISTRATIVE_CONFIRMATION) { "type ${first.matterType}" }
        expect(first.visitsNeeded == 1u && first.promisedDays == 20u) { "facts $first" }
        expect(matters.any { it.audience == Audience.BUSINESS }) { "no business matter" }
    }

    check("the client keeps its base URL without a trailing slash") {
        val client = TongbanClient("$baseUrl/", HTTP)
        expect(client.baseUrl() == baseUrl) { client.baseUrl() }
    }

    check("a bad base URL is refused with a validation error") {
        try {
            TongbanClient("ftp://example.gov.cn", HTTP)
            throw AssertionError("accepted an ftp URL")
        } catch (e: ApiException.Validation) {
            expect(e.detail.contains("ftp://")) { e.detail }
        }
    }

    check("an unreachable server is a network error, not a crash") {
        val port = java.net.ServerSocket(0).use { it.localPort }
        try {
            runBlocking { TongbanClient("http://127.0.0.1:$port", HTTP).listMatters() }
            throw AssertionError("no error from a closed port")
        } catch (e: ApiException.Network) {
            expect(e.detail.isNotEmpty()) { "empty detail" }
        }
    }

    check("a server that accepts but never answers is a network error after the read timeout") {
        java.net.ServerSocket(0).use { silent ->
            val accepted = Thread { runCatching { silent.accept().use { Thread.sleep(5_000) } } }
            accepted.isDaemon = true
            accepted.start()
            val patient = UrlConnectionTransport(connectTimeoutMillis = 1_000, readTimeoutMillis = 300)
            try {
                runBlocking { TongbanClient("http://127.0.0.1:${silent.localPort}", patient).listMatters() }
                throw AssertionError("no error from a silent server")
            } catch (e: ApiException.Network) {
                expect(e.detail.contains("timed out", ignoreCase = true)) { e.detail }
            }
        }
    }

    check("an unknown API route is not found") {
        try {
            runBlocking { TongbanClient("$baseUrl/api/v1/no-such-thing", HTTP).listMatters() }
            throw AssertionError("no error")
        } catch (e: ApiException.NotFound) {
        }
    }

    check("logs in with a texted code, keeps the token in the secure store, and logs out") {
        val store = MemorySecretStore()
        val client = TongbanClient.withSecretStore(baseUrl, store, HTTP)
        expect(!client.holdsSession()) { "a new client holds a session" }
        val sent = runBlocking { client.sendLoginCode("13800138000") }
        expect(sent.maskedPhone == "138****8000") { sent.maskedPhone }
        expect(sent.validSeconds == 300u) { "valid for ${sent.validSeconds}" }
        val code = codeFromServerLog(sent.maskedPhone)
        val account = runBlocking { client.login("13800138000", code) }
        expect(account.level == RealNameLevel.PHONE_VERIFIED) { "level ${account.level}" }
        expect(store.token != null && store.token!!.length >= 22) { "no token in the secure store" }
        // The app restarts: a new client over the same store is still logged in.
        val restarted = TongbanClient.withSecretStore(baseUrl, store, HTTP)
        val verified = runBlocking { restarted.verifyIdentity("张三", "11010519491231002X") }
        expect(verified.id == account.id) { "another account: ${verified.id}" }
        expect(verified.maskedIdNumber == "110***********002X") { "${verified.maskedIdNumber}" }
        expect(runBlocking { restarted.sessions() }.single().current) { "sessions" }
        val token = store.token
        runBlocking { restarted.logout() }
        expect(store.token == null) { "the store still holds the token" }
        // The old token, replayed, is refused.
        store.token = token
        try {
            runBlocking { restarted.me() }
            throw AssertionError("a logged-out token still works")
        } catch (e: ApiException.Unauthorized) {
            expect(store.token == null) { "a refused token is kept" }
        }
    }

    check("a wrong code is a validation error that names the field") {
        val client = TongbanClient.withSecretStore(baseUrl, MemorySecretStore(), HTTP)
        runBlocking { client.sendLoginCode("13900139000") }
        val right = codeFromServerLog("139****9000")
        val wrong = if (right == "000000") "111111" else "000000"
        try {
            runBlocking { client.login("13900139000", wrong) }
            throw AssertionError("a wrong code logged in")
        } catch (e: ApiException.Validation) {
            expect(e.fields.single().path == "code" && e.fields.single().code == "code-wrong") { "${e.fields}" }
        }
        try {
            runBlocking { client.sendLoginCode("13900139000") }
            throw AssertionError("a second code within a minute")
        } catch (e: ApiException.RateLimited) {
            expect(e.retryAfterSeconds in 1u..60u) { "wait ${e.retryAfterSeconds}" }
        }
    }

    check("searches the catalog offline once it is cached") {
        val dir = java.nio.file.Files.createTempDirectory("tongban-search").toString()
        val online = TongbanClient.withStorage(baseUrl, MemorySecretStore(), MemoryDraftKeys(), dir, HTTP)
        val count = runBlocking { online.refreshCatalog() }
        expect(count >= 50u) { "only $count matters cached" }
        // The app restarts without a network: search still answers, in Chinese and in pinyin.
        val closedPort = java.net.ServerSocket(0).use { it.localPort }
        val offline = TongbanClient.withStorage("http://127.0.0.1:$closedPort", MemorySecretStore(), MemoryDraftKeys(), dir, HTTP)
        val hits = offline.search("身份证", 5u)
        expect(hits.isNotEmpty() && hits[0].matter.name.zh.contains("身份证")) { hits.map { it.matter.name.zh }.toString() }
        expect(hits[0].highlightZh.isNotEmpty()) { "no highlight" }
        val pinyin = offline.search("shebaoka", 5u)
        expect(pinyin.any { it.matter.name.zh.contains("社会保障卡") }) { pinyin.map { it.matter.name.zh }.toString() }
    }

    check("a draft made with the server down survives a restart, then syncs and is submitted once") {
        val dir = java.nio.file.Files.createTempDirectory("tongban-app").toString()
        val secrets = MemorySecretStore()
        val keys = MemoryDraftKeys()
        val phone = "13700137000"
        val online = TongbanClient.withStorage(baseUrl, secrets, keys, dir, HTTP)
        runBlocking { online.sendLoginCode(phone) }
        runBlocking { online.login(phone, codeFromServerLog("137****7000")) }
        runBlocking { online.verifyIdentity("李四", "330106198503120028") }

        // The server is unreachable: the draft is made and filled anyway, kept on the device.
        val closedPort = java.net.ServerSocket(0).use { it.localPort }
        val offline = TongbanClient.withStorage("http://127.0.0.1:$closedPort", secrets, keys, dir, HTTP)
        val draft = runBlocking { offline.createDraft("100000-JY-0001") }
        runBlocking {
            offline.setTextAnswer(draft, "applicant.name", "李四")
            offline.setTextAnswer(draft, "applicant.id_number", "330106198503120028")
            offline.setTextAnswer(draft, "applicant.phone", phone)
            offline.setTextAnswer(draft, "applicant.address", "浙江省杭州市西湖区文三路 1 号")
        }
        val stuck = runBlocking { offline.sync() }
        expect(stuck.offline && stuck.pending == 5u) { "offline sync: $stuck" }

        // The app restarts with the network back: the draft is still there, and syncs.
        val restarted = TongbanClient.withStorage(baseUrl, secrets, keys, dir, HTTP)
        val kept = runBlocking { restarted.drafts() }.single()
        expect(kept.answers["applicant.address"] == "浙江省杭州市西湖区文三路 1 号") { "${kept.answers}" }
        expect(kept.pendingChanges == 5u) { "pending ${kept.pendingChanges}" }
        val synced = runBlocking { restarted.sync() }
        expect(!synced.offline && synced.pending == 0u && synced.sent == 5u) { "sync: $synced" }

        // Submitting without the document: the server names what is missing; the draft stays.
        runBlocking { restarted.submitDraft(draft); restarted.sync() }
        val refused = runBlocking { restarted.drafts() }.single()
        expect(refused.receipt == null) { "submitted without its document" }
        val missing = refused.submitErrors.filter { it.path.startsWith("materials.") }
        expect(missing.isNotEmpty() && missing.all { it.code == "field-required" }) { "${refused.submitErrors}" }
        val jpeg = PHOTO_JPEG
        val upload = runBlocking { restarted.uploadMaterial(jpeg) }
        expect(upload.kind == "image/jpeg") { upload.kind }
        for (e in missing) runBlocking { restarted.setMaterialAnswer(draft, e.path, upload, "diploma.jpg") }

        // Submit twice: one application.
        runBlocking { restarted.submitDraft(draft); restarted.submitDraft(draft); restarted.sync() }
        val done = runBlocking { restarted.drafts() }.single()
        expect(done.receipt != null && done.pendingChanges == 0u) { "not submitted: $done" }
        val apps = runBlocking { restarted.applications() }
        expect(apps.size == 1 && apps[0].receipt == done.receipt) { "$apps" }
        expect(apps[0].status == ApplicationStatus.SUBMITTED) { "${apps[0].status}" }
    }

    check("a guide is shown in the person's language, offline from the device's copy, and read aloud") {
        val dir = java.nio.file.Files.createTempDirectory("tongban-guide").toString()
        val online = TongbanClient.withStorage(baseUrl, MemorySecretStore(), MemoryDraftKeys(), dir, HTTP)
        val guide = runBlocking { online.guide("330000-GA-0001", "zh-CN") }
        expect(guide.name == "居民身份证换领" && !guide.fromCache) { "${guide.name} ${guide.fromCache}" }
        expect(guide.materials.isNotEmpty() && guide.steps.isNotEmpty()) { "$guide" }
        expect(guide.hasForm && guide.needsIdentity) { "$guide" }
        val closedPort = java.net.ServerSocket(0).use { it.localPort }
        val offline = TongbanClient.withStorage("http://127.0.0.1:$closedPort", MemorySecretStore(), MemoryDraftKeys(), dir, HTTP)
        val kept = runBlocking { offline.guide("330000-GA-0001", "en") }
        expect(kept.fromCache && kept.name == "Resident ID card renewal") { "${kept.name} ${kept.fromCache}" }
        val speaker = RecordingSpeaker()
        val count = runBlocking { offline.readGuideAloud("330000-GA-0001", "en", speaker) }
        expect(count.toInt() == speaker.said.size && count > 5u) { "said ${speaker.said}" }
        expect(speaker.said.first() == ("Resident ID card renewal" to "en")) { "${speaker.said.first()}" }
        expect(speaker.said.any { it.first == "What you need" }) { "${speaker.said}" }
    }

    check("a super-app embedding the library logs the person in with its ticket, once") {
        val demoHost = System.getenv("TONGBAN_DEMO_HOST_URL") ?: error("TONGBAN_DEMO_HOST_URL is not set")
        val ticket = demoHostTicket("13600136000")
        val store = MemorySecretStore()
        val client = TongbanClient.withSecretStore(baseUrl, store, HTTP)
        val account = runBlocking { client.hostLogin("demo", ticket) }
        expect(account.maskedPhone == "136****6000") { account.maskedPhone }
        expect(store.token != null) { "no token in the secure store" }
        try {
            runBlocking { TongbanClient(baseUrl, HTTP).hostLogin("demo", ticket) }
            throw AssertionError("a replayed ticket worked")
        } catch (e: ApiException.Validation) {
            expect(e.code == "ticket-used") { e.code }
        }
    }

    check("an 86-year-old of Hangzhou finds the old-age allowance and confirms it without a form") {
        val client = TongbanClient.withSecretStore(baseUrl, MemorySecretStore(), HTTP)
        runBlocking { client.sendLoginCode("13700137080") }
        runBlocking { client.login("13700137080", codeFromServerLog("137****7080")) }
        runBlocking { client.verifyIdentity("钱老伯", "330106194001010015") }
        val offers = runBlocking { client.benefits() }
        val allowance = offers.single { it.id == "330100-gaoling" }
        val decision = allowance.decision
        expect(decision is Decision.Qualifies) { "$decision" }
        val because = (decision as Decision.Qualifies).because
        expect(because.any { it is Reason.Born && it.date == "1940-01-01" }) { "$because" }
        expect(because.any { it is Reason.RegisteredIn && it.region == "330106" }) { "$because" }
        val claim = runBlocking { client.claimBenefit("330100-gaoling") }
        expect(claim.receipt.startsWith("TB")) { claim.receipt }
        expect(claim.consentCategories == listOf("identity", "household")) { "${claim.consentCategories}" }
        val app = runBlocking { client.application(claim.applicationId) }
        expect(app.formId == "330000-MZ-0030") { app.formId }
        try {
            runBlocking { client.claimBenefit("330100-gaoling") }
            throw AssertionError("confirmed twice")
        } catch (e: ApiException.Conflict) {
        }
    }

    check("the ID card in the wallet is shown and checked with no network, through the native library") {
        val client = TongbanClient.withSecretStore(baseUrl, MemorySecretStore(), HTTP)
        runBlocking { client.sendLoginCode("13700137081") }
        runBlocking { client.login("13700137081", codeFromServerLog("137****7081")) }
        runBlocking { client.verifyIdentity("钱阿姨", "330106195005051230") }
        // The device key: 32 bytes the shell keeps in Android Keystore (here, in memory).
        val secret = ByteArray(32).also { java.security.SecureRandom().nextBytes(it) }
        val wallet = runBlocking { client.syncWallet("", secret) }
        val card = wallet.items.single()
        expect(card.kind == "resident-id-card" && card.showable && card.status == "valid") { "$card" }
        expect(card.issuer.zh == "杭州市公安局") { "${card.issuer}" }
        expect(walletState(wallet.kept).items.single().id == card.id) { "kept and read back" }

        // No server from here on: showing and checking are the device's alone.
        val shown = showCertificate(wallet.kept, card.id, listOf("age_over_60"), secret)
        expect(shown.wallet.items.single().timesShown == 1u) { "${shown.wallet.items}" }
        expect(!shown.payload.contains("330106195005051230")) { "the ID number was not disclosed" }
        val checked = checkShown(shown.wallet.kept, shown.payload)
        expect(checked.verdict == "valid" && checked.claims == mapOf("age_over_60" to "true")) { "$checked" }
        expect(checked.issuer?.zh == "杭州市公安局" && checked.statusCheckedAt != null) { "$checked" }
        // Shown with another device's key (a copied wallet): refused.
        val copied = showCertificate(wallet.kept, card.id, listOf("name"), ByteArray(32) { 7 })
        val refused = checkShown(wallet.kept, copied.payload)
        expect(refused.verdict == "invalid" && refused.reason == "wrong-holder") { "$refused" }
        expect(checkShown(wallet.kept, "not a certificate").verdict == "invalid") { "garbage" }
    }

    viewModelTests(baseUrl)
    killedAppTests(baseUrl)

    println("$passed passed, $failed failed")
    if (failed > 0) exitProcess(1)
}

// The Android shell's view-models (plain Kotlin, mobile/android/viewmodels) on the JVM against a
// real server: the whole path a person takes, as the Compose screens drive it.
package tongban.tests

import kotlinx.coroutines.runBlocking
import uniffi.tongban_core.ApplicationStatus
import uniffi.tongban_core.QuestionKind
import uniffi.tongban_mobile.Keep
import uniffi.tongban_mobile.TongbanClient
import tongban.viewmodels.ApplicationsViewModel
import tongban.viewmodels.DraftsViewModel
import tongban.viewmodels.GuideViewModel
import tongban.viewmodels.LoginViewModel
import tongban.viewmodels.SearchViewModel

fun viewModelTests(baseUrl: String) {
    val phone = "13500135000"
    val secrets = MemorySecretStore()
    val keys = MemoryDraftKeys()
    val dir = java.nio.file.Files.createTempDirectory("tongban-viewmodels").toString()
    val closedPort = java.net.ServerSocket(0).use { it.localPort }
    val down = "http://127.0.0.1:$closedPort"

    check("view-models: log in, search offline, a draft made with the server down survives a restart, syncs, is submitted, and its timeline shows") {
        val online = TongbanClient.withStorage(baseUrl, secrets, keys, dir, HTTP)
        val login = LoginViewModel(online, "zh-CN")
        runBlocking { login.sendCode(phone) }
        expect(login.state.value.codeSentTo == "135****5000") { "${login.state.value}" }
        runBlocking { login.logIn(if (codeFromServerLog("135****5000") == "000000") "111111" else "000000") }
        val wrong = login.state.value.error
        expect(wrong?.field == "code" && wrong.messageId == "error-code-wrong" && wrong.text.isNotBlank()) { "$wrong" }
        runBlocking { login.logIn(codeFromServerLog("135****5000")) }
        expect(login.state.value.account != null && login.state.value.error == null) { "${login.state.value}" }
        runBlocking { SearchViewModel(online, "zh-CN").refreshCatalog() }

        // The server goes away: search, guide and a new draft work on the device.
        val offline = TongbanClient.withStorage(down, secrets, keys, dir, HTTP)
        val search = SearchViewModel(offline, "zh-CN")
        runBlocking { search.refreshCatalog() }
        search.search("shenfenzheng")
        expect(search.state.value.offline && search.state.value.results.isNotEmpty()) { "${search.state.value}" }
        val guide = GuideViewModel(offline, "zh-CN")
        runBlocking { guide.load("100000-JY-0001") }
        expect(guide.state.value.error?.messageId == "error-network") { "a guide never opened online: ${guide.state.value}" }

        // A form with choices, asked and checked on the device, offline (the guide was kept).
        runBlocking { GuideViewModel(online, "zh-CN").load("330000-GA-0001") }
        val idCard = DraftsViewModel(offline, "zh-CN")
        val renewal = runBlocking { idCard.start("330000-GA-0001") }!!
        runBlocking { idCard.open(renewal) }
        val reason = idCard.state.value.questions.first { it.kind == QuestionKind.SINGLE_CHOICE }
        expect(reason.choices.size >= 2 && reason.choices.all { it.label.isNotBlank() && it.label != it.value }) { "$reason" }
        runBlocking { idCard.choose(renewal, reason, listOf("no-such-option")); idCard.check(renewal) }
        expect(idCard.state.value.problems.any { it.path == reason.path && it.code == "field-choice" }) { "${idCard.state.value.problems}" }
        runBlocking { idCard.choose(renewal, reason, listOf(reason.choices[0].value)); idCard.check(renewal) }
        expect(idCard.state.value.problems.none { it.path == reason.path }) { "${idCard.state.value.problems}" }
        expect(idCard.state.value.questions.single { it.path == reason.path }.answer == reason.choices[0].value) { "answer kept" }
        runBlocking { idCard.delete(renewal) }

        val drafts = DraftsViewModel(offline, "zh-CN")
        val id = runBlocking { drafts.start("100000-JY-0001") }!!
        runBlocking {
            drafts.answer(id, "applicant.name", "王五")
            drafts.answer(id, "applicant.id_number", "330106198503120028")
            drafts.answer(id, "applicant.phone", phone)
            drafts.answer(id, "applicant.address", "浙江省杭州市西湖区文三路 1 号")
            drafts.sync()
        }
        expect(drafts.state.value.offline && drafts.state.value.pending == 5) { "${drafts.state.value}" }

        // The app restarts with the server back: the draft is there, and syncs.
        val restarted = TongbanClient.withStorage(baseUrl, secrets, keys, dir, HTTP)
        val again = DraftsViewModel(restarted, "zh-CN")
        runBlocking { again.reload() }
        expect(again.state.value.drafts.single().answers["applicant.name"] == "王五") { "${again.state.value}" }
        // The form's questions, labelled in Chinese, with the answers typed offline.
        runBlocking { again.open(id) }
        val name = again.state.value.questions.single { it.path == "applicant.name" }
        expect(name.label.isNotBlank() && name.label != name.path && name.required && name.answer == "王五") { "$name" }
        // The device's own check, with the server's rules: the document is still missing.
        expect(!runBlocking { again.check(id) }) { "no problems found" }
        expect(again.state.value.problems.any { it.path.startsWith("materials.") && it.code == "field-required" }) { "${again.state.value.problems}" }
        runBlocking { again.sync() }
        expect(!again.state.value.offline && again.state.value.pending == 0) { "${again.state.value}" }

        // Submitting needs a verified identity: the refusal is said in the person's words.
        runBlocking { again.submit(id) }
        expect(again.state.value.error?.messageId == "error-identity-required") { "${again.state.value}" }
        runBlocking { restarted.verifyIdentity("王五", "110105194912310038") }
        // Submit: the server names the missing document; with it, one application.
        runBlocking { again.submit(id) }
        val missing = again.state.value.drafts.single().submitErrors.filter { it.path.startsWith("materials.") }
        expect(missing.isNotEmpty()) { "${again.state.value}" }
        val jpeg = PHOTO_JPEG
        val upload = runBlocking { restarted.uploadMaterial(jpeg) }
        for (e in missing) runBlocking { restarted.setMaterialAnswer(id, e.path, upload, "scan.jpg") }
        runBlocking { again.submit(id); again.submit(id) }
        val receipt = again.state.value.drafts.single().receipt
        expect(receipt != null) { "not submitted: ${again.state.value}" }

        val applications = ApplicationsViewModel(restarted, "zh-CN")
        runBlocking { applications.reload() }
        val app = applications.state.value.applications.single()
        expect(app.receipt == receipt) { "${applications.state.value}" }
        runBlocking { applications.open(app.id) }
        val open = applications.state.value.open!!
        expect(open.timeline.single().status == ApplicationStatus.SUBMITTED) { "${open.timeline}" }

        // The department asks for the address again (补正); the person supplies only that.
        staffMove(baseUrl, app.id, "accepted")
        staffMove(baseUrl, app.id, "in-review")
        staffMove(baseUrl, app.id, "supplement-requested", listOf("applicant.address"))
        runBlocking { applications.open(app.id) }
        val asked = applications.state.value.open!!
        expect(asked.status == ApplicationStatus.SUPPLEMENT_REQUESTED && asked.requestedFields == listOf("applicant.address")) { "$asked" }
        runBlocking { applications.supply(app.id, mapOf("applicant.name" to "别的")) }
        expect(applications.state.value.error?.messageId == "error-field-not-requested") { "${applications.state.value}" }
        runBlocking { applications.supply(app.id, mapOf("applicant.address" to "浙江省杭州市西湖区文二路 2 号")) }
        val supplied = applications.state.value.open!!
        expect(supplied.status != ApplicationStatus.SUPPLEMENT_REQUESTED && applications.state.value.error == null) { "${applications.state.value}" }

        // Online, the guide is kept; offline, it is shown from the device's copy.
        runBlocking { GuideViewModel(restarted, "zh-CN").load("100000-JY-0001") }
        runBlocking { guide.load("100000-JY-0001") }
        expect(guide.state.value.guide?.fromCache == true) { "${guide.state.value}" }
    }

    check("view-models: the same field changed on two phones is the person's choice, never overwritten") {
        // One person, two phones: A logs in by texted code, B through a host super-app's ticket.
        val phoneNumber = "13300133000"
        val dirA = java.nio.file.Files.createTempDirectory("tongban-phone-a").toString()
        val dirB = java.nio.file.Files.createTempDirectory("tongban-phone-b").toString()
        val clientA = TongbanClient.withStorage(baseUrl, MemorySecretStore(), keys, dirA, HTTP)
        val clientB = TongbanClient.withStorage(baseUrl, MemorySecretStore(), keys, dirB, HTTP)
        val loginA = LoginViewModel(clientA, "en")
        runBlocking { loginA.sendCode(phoneNumber); loginA.logIn(codeFromServerLog("133****3000")) }
        val loginB = LoginViewModel(clientB, "en")
        runBlocking { loginB.logInWithHost("demo", demoHostTicket(phoneNumber)) }
        expect(loginA.state.value.account!!.id == loginB.state.value.account!!.id) { "two accounts" }

        val a = DraftsViewModel(clientA, "en")
        val b = DraftsViewModel(clientB, "en")
        val id = runBlocking { a.start("100000-JY-0001") }!!
        runBlocking { a.answer(id, "applicant.address", "文三路 1 号"); a.sync(); b.sync() }
        expect(b.state.value.drafts.single().answers["applicant.address"] == "文三路 1 号") { "B did not get A's draft: ${b.state.value}" }
        // Both change the address from the same version; A's arrives first.
        runBlocking { a.answer(id, "applicant.address", "文二路 2 号"); a.sync() }
        runBlocking { b.answer(id, "applicant.address", "文一路 3 号"); b.sync() }
        val conflict = b.state.value.drafts.single().conflicts.single()
        expect(conflict.path == "applicant.address" && conflict.mine == "文一路 3 号" && conflict.theirs == "文二路 2 号") { "$conflict" }
        runBlocking { b.keep(id, "applicant.address", Keep.THEIRS); b.sync() }
        val kept = b.state.value.drafts.single()
        expect(kept.conflicts.isEmpty() && kept.answers["applicant.address"] == "文二路 2 号" && b.state.value.pending == 0) { "$kept" }

        runBlocking { b.delete(id); b.sync() }
        expect(b.state.value.drafts.isEmpty() && b.state.value.pending == 0) { "${b.state.value}" }
    }
}

// The app killed by the system right after a keystroke: a child JVM answers through the Android
// view-model, says so, and is killed at once (SIGKILL, no shutdown); a new client over the same
// folder finds the answer.
package tongban.tests

import kotlinx.coroutines.runBlocking
import uniffi.tongban_mobile.DraftKeys
import uniffi.tongban_mobile.TongbanClient
import tongban.viewmodels.DraftsViewModel

/// Draft keys both processes derive alike (a test's stand-in for the platform's secure store,
/// which survives the app being killed).
class DerivedDraftKeys : DraftKeys {
    override fun draftKey(accountId: String): ByteArray =
        java.security.MessageDigest.getInstance("SHA-256").digest("test-key:$accountId".toByteArray())
}

/// The child: `<storage folder> <base URL> <draft id>`. Answers, prints "answered", then waits to be killed.
object AnswerThenWait {
    @JvmStatic
    fun main(args: Array<String>) {
        val (dir, baseUrl, draftId) = args
        val client = TongbanClient.withStorage(baseUrl, MemorySecretStore(), DerivedDraftKeys(), dir, HTTP)
        val drafts = DraftsViewModel(client, "zh-CN")
        runBlocking { drafts.answer(draftId, "applicant.address", "浙江省杭州市西湖区文三路 1 号 3 幢") }
        println("answered")
        System.out.flush()
        Thread.sleep(60_000)
    }
}

fun killedAppTests(baseUrl: String) {
    check("an answer given right before the app is killed is there when it opens again") {
        val dir = java.nio.file.Files.createTempDirectory("tongban-killed").toString()
        val phone = "13200132000"
        val online = TongbanClient.withStorage(baseUrl, MemorySecretStore(), DerivedDraftKeys(), dir, HTTP)
        runBlocking { online.sendLoginCode(phone) }
        runBlocking { online.login(phone, codeFromServerLog("132****2000")) }
        val draft = runBlocking { online.createDraft("100000-JY-0001") }

        val closedPort = java.net.ServerSocket(0).use { it.localPort }
        val java = java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString()
        val child = ProcessBuilder(
            java,
            "-Djna.library.path=${System.getProperty("jna.library.path")}",
            "-cp", System.getProperty("java.class.path"),
            "tongban.tests.AnswerThenWait", dir, "http://127.0.0.1:$closedPort", draft,
        ).redirectErrorStream(true).start()
        val said = child.inputStream.bufferedReader().readLine()
        child.destroyForcibly() // SIGKILL: no shutdown hook, no flush, no close
        child.waitFor()
        expect(said == "answered") { "the child said $said" }

        val reopened = TongbanClient.withStorage(baseUrl, MemorySecretStore(), DerivedDraftKeys(), dir, HTTP)
        val kept = runBlocking { reopened.drafts() }.single { it.id == draft }
        expect(kept.answers["applicant.address"] == "浙江省杭州市西湖区文三路 1 号 3 幢") { "${kept.answers}" }
        expect(kept.pendingChanges >= 1u) { "the answer is not waiting to be sent: $kept" }
    }
}

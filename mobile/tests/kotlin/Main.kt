// The generated Kotlin bindings and the native library, on the JVM, against a real server.
// Ends with "N passed, N failed" and a non-zero exit on failure (no JUnit here).
package tongban.tests

import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking
import uniffi.tongban_core.ApiException
import uniffi.tongban_core.Audience
import uniffi.tongban_core.MatterType
import uniffi.tongban_mobile.TongbanClient

private var passed = 0
private var failed = 0

private fun check(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("ok   $name")
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: $e")
    }
}

private fun expect(condition: Boolean, message: () -> String) {
    if (!condition) throw AssertionError(message())
}

fun main() {
    val baseUrl = System.getenv("TONGBAN_BASE_URL")
        ?: error("TONGBAN_BASE_URL is not set: run these tests through `cargo xtask test`")

    check("lists the seeded catalog, most used first") {
        val matters = runBlocking { TongbanClient(baseUrl).listMatters() }
        expect(matters.size >= 12) { "only ${matters.size} matters" }
        val first = matters.first()
        expect(first.name.zh == "居民身份证换领") { "first is ${first.name.zh}" }
        expect(first.name.en == "Resident ID card renewal") { "english name ${first.name.en}" }
        expect(first.matterType == MatterType.ADMINISTRATIVE_CONFIRMATION) { "type ${first.matterType}" }
        expect(first.visitsNeeded == 1u && first.promisedDays == 20u) { "facts $first" }
        expect(matters.any { it.audience == Audience.BUSINESS }) { "no business matter" }
    }

    check("the client keeps its base URL without a trailing slash") {
        val client = TongbanClient("$baseUrl/")
        expect(client.baseUrl() == baseUrl) { client.baseUrl() }
    }

    check("a bad base URL is refused with a validation error") {
        try {
            TongbanClient("ftp://example.gov.cn")
            throw AssertionError("accepted an ftp URL")
        } catch (e: ApiException.Validation) {
            expect(e.detail.contains("ftp://")) { e.detail }
        }
    }

    check("an unreachable server is a network error, not a crash") {
        val port = java.net.ServerSocket(0).use { it.localPort }
        try {
            runBlocking { TongbanClient("http://127.0.0.1:$port").listMatters() }
            throw AssertionError("no error from a closed port")
        } catch (e: ApiException.Network) {
            expect(e.detail.isNotEmpty()) { "empty detail" }
        }
    }

    check("an unknown API route is not found") {
        try {
            runBlocking { TongbanClient("$baseUrl/api/v1/no-such-thing").listMatters() }
            throw AssertionError("no error")
        } catch (e: ApiException.NotFound) {
        }
    }

    println("$passed passed, $failed failed")
    if (failed > 0) exitProcess(1)
}

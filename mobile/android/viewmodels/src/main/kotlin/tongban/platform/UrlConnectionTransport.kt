// The app's HTTP stack for core: java.net.HttpURLConnection, which on Android is OkHttp with the
// system's TLS, trust store and network security config, and on the JVM (the tests) the JDK's.
// Plain Kotlin, so `cargo xtask test` runs the same file the app ships.
package tongban.platform

import java.io.IOException
import java.net.HttpURLConnection
import java.net.URL
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import uniffi.tongban_mobile.HttpRequest
import uniffi.tongban_mobile.HttpResponse
import uniffi.tongban_mobile.HttpTransport
import uniffi.tongban_mobile.TransportException

/// Sends core's requests; any status is an answer, only no answer at all is a TransportException.
class UrlConnectionTransport(
    private val connectTimeoutMillis: Int = 15_000,
    private val readTimeoutMillis: Int = 30_000,
) : HttpTransport {
    override suspend fun exchange(request: HttpRequest): HttpResponse = withContext(Dispatchers.IO) {
        try {
            send(request)
        } catch (e: IOException) {
            throw TransportException.NoAnswer(e.toString())
        } catch (e: IllegalArgumentException) {
            // A malformed URL or header never reaches the network either.
            throw TransportException.NoAnswer(e.toString())
        }
    }

    private fun send(request: HttpRequest): HttpResponse {
        val connection = URL(request.url).openConnection() as HttpURLConnection
        try {
            connection.requestMethod = request.method
            connection.connectTimeout = connectTimeoutMillis
            connection.readTimeout = readTimeoutMillis
            connection.instanceFollowRedirects = false
            connection.useCaches = false
            for (header in request.headers) connection.addRequestProperty(header.name, header.value)
            val body = request.body
            if (body != null) {
                connection.doOutput = true
                connection.setFixedLengthStreamingMode(body.size)
                connection.outputStream.use { it.write(body) }
            }
            val status = connection.responseCode
            // 4xx and 5xx bodies come on the error stream (null when the answer has none).
            val stream = if (status >= 400) connection.errorStream else connection.inputStream
            val bytes = stream?.use { it.readBytes() } ?: ByteArray(0)
            return HttpResponse(status.toUShort(), bytes)
        } finally {
            connection.disconnect()
        }
    }
}

package cn.tongban.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import java.util.Locale
import tongban.platform.UrlConnectionTransport
import uniffi.tongban_mobile.TongbanClient

/// The API the app talks to (a province's deployment sets its own).
const val API_BASE_URL = "https://tongban.example.gov.cn"

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        // Drafts and the catalog live in the app's own storage, encrypted with Keystore-held keys;
        // requests go through the platform's HTTP stack.
        val client = TongbanClient.withStorage(
            API_BASE_URL,
            KeystoreSecretStore(this),
            KeystoreDraftKeys(this),
            filesDir.resolve("tongban").path,
            UrlConnectionTransport(),
        )
        val language = Locale.getDefault().toLanguageTag()
        val speaker = AndroidSpeaker(this)
        val deepLink = intent?.data?.path
        setContent { TongbanApp(client, language, speaker, deepLink) }
    }
}

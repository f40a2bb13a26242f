// The platform side of the traits core defines: the session token and the draft keys in storage
// encrypted by the Android Keystore, and speech through TextToSpeech.
package cn.tongban.app

import android.content.Context
import android.speech.tts.TextToSpeech
import androidx.security.crypto.EncryptedSharedPreferences
import androidx.security.crypto.MasterKey
import java.security.SecureRandom
import java.util.Locale
import uniffi.tongban_mobile.DraftKeys
import uniffi.tongban_mobile.SecretStore
import uniffi.tongban_mobile.Speaker

private fun securePreferences(context: Context) = EncryptedSharedPreferences.create(
    context,
    "tongban-secure",
    MasterKey.Builder(context).setKeyScheme(MasterKey.KeyScheme.AES256_GCM).build(),
    EncryptedSharedPreferences.PrefKeyEncryptionScheme.AES256_SIV,
    EncryptedSharedPreferences.PrefValueEncryptionScheme.AES256_GCM,
)

/// The session token, encrypted with a Keystore key that never leaves the device.
class KeystoreSecretStore(context: Context) : SecretStore {
    private val preferences = securePreferences(context)
    override fun load(): String? = preferences.getString("session", null)
    override fun save(token: String) { preferences.edit().putString("session", token).apply() }
    override fun clear() { preferences.edit().remove("session").apply() }
}

/// One random 256-bit key per account for the draft store, kept encrypted by the Keystore.
class KeystoreDraftKeys(context: Context) : DraftKeys {
    private val preferences = securePreferences(context)

    @Synchronized
    override fun draftKey(accountId: String): ByteArray {
        val name = "draft-key-$accountId"
        preferences.getString(name, null)?.let { return android.util.Base64.decode(it, android.util.Base64.NO_WRAP) }
        val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
        preferences.edit().putString(name, android.util.Base64.encodeToString(key, android.util.Base64.NO_WRAP)).commit()
        return key
    }
}

/// Read-aloud through the platform's TextToSpeech, paragraph after paragraph.
class AndroidSpeaker(context: Context) : Speaker {
    @Volatile private var ready = false
    private val pending = mutableListOf<Pair<String, String>>()
    private val engine = TextToSpeech(context) { status ->
        ready = status == TextToSpeech.SUCCESS
        synchronized(pending) { pending.forEach { (text, language) -> say(text, language) }; pending.clear() }
    }

    override fun speak(text: String, language: String) {
        if (!ready) { synchronized(pending) { pending.add(text to language) }; return }
        say(text, language)
    }

    private fun say(text: String, language: String) {
        engine.language = Locale.forLanguageTag(language)
        engine.speak(text, TextToSpeech.QUEUE_ADD, null, text.hashCode().toString())
    }

    fun stop() = engine.stop()
}

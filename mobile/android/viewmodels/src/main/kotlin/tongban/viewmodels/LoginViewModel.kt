package tongban.viewmodels

import uniffi.tongban_core.Account
import uniffi.tongban_core.ApiException
import uniffi.tongban_mobile.TongbanClient

data class LoginState(
    val phone: String = "",
    /// Set once a code was sent: the masked number and how long the code is valid (no countdown
    /// pressure: the screen shows the time and offers to send again).
    val codeSentTo: String? = null,
    val codeValidSeconds: UInt = 0u,
    val busy: Boolean = false,
    val account: Account? = null,
    val error: UiError? = null,
)

/// Login by phone and texted code, or with a host super-app's ticket.
class LoginViewModel(private val client: TongbanClient, private val language: String) :
    ViewModel<LoginState>(LoginState()) {

    suspend fun sendCode(phone: String) {
        update { it.copy(phone = phone, busy = true, error = null) }
        try {
            val sent = client.sendLoginCode(phone)
            update { it.copy(busy = false, codeSentTo = sent.maskedPhone, codeValidSeconds = sent.validSeconds) }
        } catch (e: ApiException) {
            update { it.copy(busy = false, error = e.toUiError(language)) }
        }
    }

    suspend fun logIn(code: String) = attempt { client.login(state.value.phone, code) }

    suspend fun logInWithHost(hostId: String, ticket: String) = attempt { client.hostLogin(hostId, ticket) }

    private suspend fun attempt(login: suspend () -> Account) {
        update { it.copy(busy = true, error = null) }
        try {
            val account = login()
            update { it.copy(busy = false, account = account) }
        } catch (e: ApiException) {
            update { it.copy(busy = false, error = e.toUiError(language)) }
        }
    }
}

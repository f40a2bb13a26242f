package tongban.viewmodels

import uniffi.tongban_core.ApiException
import uniffi.tongban_mobile.MatterHit
import uniffi.tongban_mobile.TongbanClient

data class SearchState(
    val query: String = "",
    val results: List<MatterHit> = emptyList(),
    /// The catalog on the device is the last one fetched (the server could not be reached).
    val offline: Boolean = false,
    val catalogReady: Boolean = false,
    val error: UiError? = null,
)

/// Home and search: the catalog cached on the device, searched offline (Chinese, pinyin, English).
class SearchViewModel(private val client: TongbanClient, private val language: String) :
    ViewModel<SearchState>(SearchState()) {

    /// Fetches the catalog index when online; offline, the device's copy is used.
    suspend fun refreshCatalog() {
        try {
            client.refreshCatalog()
            update { it.copy(catalogReady = true, offline = false, error = null) }
        } catch (e: ApiException.Network) {
            update { it.copy(offline = true) }
        } catch (e: ApiException) {
            update { it.copy(error = e.toUiError(language)) }
        }
    }

    fun search(query: String) {
        update { it.copy(query = query) }
        if (query.isBlank()) {
            update { it.copy(results = emptyList(), error = null) }
            return
        }
        try {
            val hits = client.search(query, 20u)
            update { it.copy(results = hits, catalogReady = true, error = null) }
        } catch (e: ApiException) {
            update { it.copy(results = emptyList(), error = e.toUiError(language)) }
        }
    }
}

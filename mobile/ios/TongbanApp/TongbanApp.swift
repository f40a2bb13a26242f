// The SwiftUI shell: it renders what core returns and sends taps to it. Every word comes from
// `message()` (the same Fluent files as the web and Android).
import SwiftUI
import TongbanCore

let apiBaseUrl = "https://tongban.example.gov.cn"

func t(_ id: String, _ args: [String: String] = [:]) -> String {
    message(id: id, language: Locale.preferredLanguages.first ?? "zh-CN", args: args)
}

@main
struct TongbanApp: App {
    @AppStorage("care") private var care = false
    private let client: TongbanClient = {
        let folder = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
            .appendingPathComponent("tongban").path
        return try! TongbanClient.withStorage(
            baseUrl: apiBaseUrl, secrets: KeychainSecretStore(), keys: KeychainDraftKeys(), storageDir: folder,
            transport: UrlSessionTransport())
    }()

    var body: some Scene {
        WindowGroup {
            TabView {
                NavigationStack { SearchScreen(client: client) }
                    .tabItem { Text(t("home-heading")) }
                NavigationStack { DraftsScreen(client: client) }
                    .tabItem { Text(t("drafts-heading")) }
                NavigationStack { ApplicationsScreen(client: client) }
                    .tabItem { Text(t("applications-heading")) }
            }
            // Care mode: larger type everywhere, one tap in the toolbar, remembered.
            .dynamicTypeSize(care ? .xxxLarge : .large)
            .toolbar {
                Button(t(care ? "care-mode-leave" : "care-mode-enter")) { care.toggle() }
                    .frame(minHeight: care ? 60 : 44)
            }
        }
    }
}

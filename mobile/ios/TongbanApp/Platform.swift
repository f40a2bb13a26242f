// The platform side of the traits core defines: the session token and the draft keys in the
// Keychain (this device only, after first unlock), and speech through AVSpeechSynthesizer.
import AVFoundation
import Foundation
import Security
import TongbanCore

private func keychainRead(_ account: String) -> Data? {
    let query: [String: Any] = [
        kSecClass as String: kSecClassGenericPassword,
        kSecAttrService as String: "cn.tongban",
        kSecAttrAccount as String: account,
        kSecReturnData as String: true,
    ]
    var item: CFTypeRef?
    guard SecItemCopyMatching(query as CFDictionary, &item) == errSecSuccess else { return nil }
    return item as? Data
}

private func keychainWrite(_ account: String, _ data: Data?) {
    let query: [String: Any] = [
        kSecClass as String: kSecClassGenericPassword,
        kSecAttrService as String: "cn.tongban",
        kSecAttrAccount as String: account,
    ]
    SecItemDelete(query as CFDictionary)
    guard let data else { return }
    var add = query
    add[kSecValueData as String] = data
    add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
    SecItemAdd(add as CFDictionary, nil)
}

final class KeychainSecretStore: SecretStore {
    func load() -> String? { keychainRead("session").flatMap { String(data: $0, encoding: .utf8) } }
    func save(token: String) { keychainWrite("session", token.data(using: .utf8)) }
    func clear() { keychainWrite("session", nil) }
}

final class KeychainDraftKeys: DraftKeys {
    private let lock = NSLock()
    func draftKey(accountId: String) -> Data {
        lock.lock(); defer { lock.unlock() }
        let name = "draft-key-\(accountId)"
        if let key = keychainRead(name) { return key }
        var key = Data(count: 32)
        _ = key.withUnsafeMutableBytes { SecRandomCopyBytes(kSecRandomDefault, 32, $0.baseAddress!) }
        keychainWrite(name, key)
        return key
    }
}

final class AvSpeaker: Speaker {
    private let synthesizer = AVSpeechSynthesizer()
    func speak(text: String, language: String) {
        let utterance = AVSpeechUtterance(string: text)
        utterance.voice = AVSpeechSynthesisVoice(language: language)
        synthesizer.speak(utterance)
    }
    func stop() { synthesizer.stopSpeaking(at: .immediate) }
}

/// The app's HTTP stack for core: URLSession, with the system's TLS and trust store (and App
/// Transport Security). Any status is an answer; only no answer at all is a TransportError.
final class UrlSessionTransport: HttpTransport {
    private let session: URLSession

    init(timeout: TimeInterval = 30) {
        let configuration = URLSessionConfiguration.default
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    func exchange(request: HttpRequest) async throws -> HttpResponse {
        guard let url = URL(string: request.url) else {
            throw TransportError.NoAnswer(detail: "not a URL: \(request.url)")
        }
        var outgoing = URLRequest(url: url)
        outgoing.httpMethod = request.method
        for header in request.headers {
            outgoing.addValue(header.value, forHTTPHeaderField: header.name)
        }
        outgoing.httpBody = request.body
        do {
            let (data, response) = try await session.data(for: outgoing)
            guard let http = response as? HTTPURLResponse else {
                throw TransportError.NoAnswer(detail: "not an HTTP answer")
            }
            return HttpResponse(status: UInt16(http.statusCode), body: data)
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError.NoAnswer(detail: error.localizedDescription)
        }
    }
}

/// The API makes no redirects; a redirect is handed back as the answer it is.
private final class NoRedirects: NSObject, URLSessionTaskDelegate {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest) async -> URLRequest? {
        nil
    }
}

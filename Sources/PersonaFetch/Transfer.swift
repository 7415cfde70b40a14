import CCurl
import Foundation

/// One easy handle and its buffers. Created, used and released on the engine's loop thread only.
final class Transfer {
    let id: UInt64
    let request: FetchRequest
    let host: String
    let continuation: CheckedContinuation<Result<FetchResponse, FetchError>, Never>
    var body = Data()
    var headers: [String: String] = [:]
    var overflowed = false
    private var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(id: UInt64, request: FetchRequest, host: String, continuation: CheckedContinuation<Result<FetchResponse, FetchError>, Never>) {
        self.id = id
        self.request = request
        self.host = host
        self.continuation = continuation
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        cleanup()
        errorBuffer.deallocate()
    }

    /// Creates and configures the easy handle. The transfer must outlive it (the engine keeps it
    /// in its table until `cleanup()`), since callbacks receive it as an unretained pointer.
    func configure(userAgent: String) -> UnsafeMutableRawPointer? {
        guard let easy = curl_easy_init() else { return nil }
        self.easy = easy
        let me = Unmanaged.passUnretained(self).toOpaque()
        ccurl_setopt_string(easy, CURLOPT_URL, request.url)
        ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, request.allowFile ? "http,https,file" : "http,https")
        ccurl_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        ccurl_setopt_long(easy, CURLOPT_MAXREDIRS, request.maximumRedirects)
        ccurl_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(request.totalTimeout * 1000))
        ccurl_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
        ccurl_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, Int(request.lowSpeedTime)))
        ccurl_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maximumBytes))
        ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = request.caFile { ccurl_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        // CURLOPT_UNRESTRICTED_AUTH stays 0: libcurl sends these to the first host only.
        switch request.authorization {
        case .bearer(let token):
            ccurl_setopt_long(easy, CURLOPT_HTTPAUTH, ccurl_auth_bearer)
            ccurl_setopt_string(easy, CURLOPT_XOAUTH2_BEARER, token.reveal())
        case .basic(let user, let password):
            ccurl_setopt_long(easy, CURLOPT_HTTPAUTH, ccurl_auth_basic)
            ccurl_setopt_string(easy, CURLOPT_USERNAME, user)
            ccurl_setopt_string(easy, CURLOPT_PASSWORD, password.reveal())
        case nil:
            break
        }
        if let form = request.form { ccurl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, form) }
        ccurl_setopt_string(easy, CURLOPT_USERAGENT, request.userAgent ?? userAgent)
        ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        ccurl_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, transferWriteCallback)
        ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        ccurl_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, transferHeaderCallback)
        ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        if let etag = request.etag { headerList = curl_slist_append(headerList, "If-None-Match: \(etag)") }
        if let lastModified = request.lastModified { headerList = curl_slist_append(headerList, "If-Modified-Since: \(lastModified)") }
        if let headerList { ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList) }
        return easy
    }

    func cleanup() {
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    func result(code: CURLcode) -> Result<FetchResponse, FetchError> {
        let url = request.url
        guard code == CURLE_OK else {
            let message = String(cString: errorBuffer)
            let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
            let kind: FetchError.Kind
            switch code {
            case CURLE_OPERATION_TIMEDOUT: kind = .timeout
            case CURLE_FILESIZE_EXCEEDED: kind = .tooLarge
            case CURLE_WRITE_ERROR where overflowed: kind = .tooLarge
            case CURLE_TOO_MANY_REDIRECTS: kind = .tooManyRedirects
            case CURLE_UNSUPPORTED_PROTOCOL: kind = .protocolNotAllowed
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .connect
            case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
                kind = .tls
            default: kind = .transport
            }
            let words: String
            switch kind {
            case .tooLarge: words = "response larger than \(request.maximumBytes) bytes"
            case .timeout: words = "timed out (\(detail))"
            case .tooManyRedirects: words = "more than \(request.maximumRedirects) redirects"
            case .protocolNotAllowed: words = "protocol not allowed for this source (\(detail))"
            case .tls: words = "TLS failure (\(detail))"
            default: words = detail
            }
            return .failure(FetchError(url: url, kind: kind, detail: words))
        }
        var status = 0
        var effective: UnsafeMutablePointer<CChar>?
        if let easy {
            ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            ccurl_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &effective)
        }
        if status == 0, url.lowercased().hasPrefix("file:") { status = 200 }
        return .success(FetchResponse(status: status, body: body, headers: headers, effectiveURL: effective.map { String(cString: $0) } ?? url))
    }
}

/// Appends a chunk to the transfer's body, refusing to grow it past the cap.
private let transferWriteCallback: ccurl_data_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard transfer.body.count + length <= transfer.request.maximumBytes else {
        transfer.overflowed = true
        return 0
    }
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) { transfer.body.append($0, count: length) }
    return length
}

/// Records one header line; a new status line (after a redirect or a 100) starts a fresh set.
/// Parsed on bytes (ASCII trimming and lower-casing): this runs for every header of every response.
private let transferHeaderCallback: ccurl_data_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) { start in
        let line = UnsafeBufferPointer(start: start, count: length)
        if length >= 5, line[0] == 0x48, line[1] == 0x54, line[2] == 0x54, line[3] == 0x50, line[4] == 0x2F { // "HTTP/"
            transfer.headers.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = line.firstIndex(of: 0x3A) else { return }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var nameEnd = colon
        while nameEnd > 0, isSpace(line[nameEnd - 1]) { nameEnd -= 1 }
        var valueStart = colon + 1
        var valueEnd = length
        while valueStart < valueEnd, isSpace(line[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, isSpace(line[valueEnd - 1]) { valueEnd -= 1 }
        let name = String(unsafeUninitializedCapacity: nameEnd) { buffer in
            for index in 0..<nameEnd {
                let byte = line[index]
                buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            }
            return nameEnd
        }
        transfer.headers[name] = String(decoding: UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd]), as: UTF8.self)
    }
    return length
}

import Hummingbird
import JSON
import Logging
import NIOCore
import NIOHTTPTypes

/// The request context of `deployotron serve`: Hummingbird's own, plus the connection, so that a
/// live event stream learns at once when its client leaves and a stalled upload can be cut off.
public struct NotifyRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's connection.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The connection's `ClientPresence`; one that never leaves when the connection has no
    /// `ClientDepartureHandler` (a router driven without a server).
    func clientPresence() async -> ClientPresence {
        (try? await channel.pipeline.handler(type: ClientDepartureHandler.self).map(\.presence).get()) ?? ClientPresence()
    }
}

/// Watches each connection on its event loop, where no busy task pool can delay it:
/// - the client going (its half of the connection closing: the server allows half-closure, so a
///   client that leaves is otherwise noticed only when a write fails), for live event streams;
/// - a request whose head or body stops arriving for `idleTimeout`: answered `408 Request Timeout`
///   straight on the socket (its handler still waits for the body), then the connection closes.
final class ClientDepartureHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    let presence = ClientPresence()
    let idleTimeout: TimeAmount
    private var isReadingRequest = false
    private var lastRead = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(idleTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        switch unwrapInboundIn(data) {
        case .head:
            isReadingRequest = true
            schedule(context, in: idleTimeout)
        case .body:
            break
        case .end:
            isReadingRequest = false
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    private func schedule(_ context: ChannelHandlerContext, in delay: TimeAmount) {
        timer?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            guard handler.isReadingRequest else { return }
            let quietFor = NIODeadline.now() - handler.lastRead
            guard quietFor >= handler.idleTimeout else {
                handler.schedule(context, in: handler.idleTimeout - quietFor)
                return
            }
            handler.isReadingRequest = false
            let seconds = Double(handler.idleTimeout.nanoseconds) / 1e9
            Self.answerTimeoutAndClose(context.channel, message: "no part of the request arrived for \(seconds) seconds; send the whole body at once")
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent { presence.leave() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        presence.leave()
        timer?.cancel()
        context.fireChannelInactive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.pipeline.syncOperations.addHandler(RawResponseWriter(), position: .first)
    }

    /// Answers `408 Request Timeout` with `{"error": message}` straight on the socket, then closes
    /// the connection.
    static func answerTimeoutAndClose(_ channel: any Channel, message: String) {
        let body = JSONValue.object(["error": .string(message)]).encodedString() + "\n"
        let text = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        channel.pipeline.handler(type: RawResponseWriter.self).whenComplete { result in
            guard case .success(let writer) = result, let context = writer.context else {
                channel.close(promise: nil)
                return
            }
            context.writeAndFlush(NIOAny(ByteBuffer(string: text))).whenComplete { _ in context.close(promise: nil) }
        }
    }
}

/// The first handler of the pipeline, before the HTTP codec: what it writes goes to the socket as is.
final class RawResponseWriter: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    private(set) var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }
}

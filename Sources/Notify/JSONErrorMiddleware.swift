import HTTPTypes
import Hummingbird
import JSON
import Ledger
import Logging

/// Turns every error into a `{"error": "..."}` response.
///
/// A client's mistake keeps its 4xx status and message (so does what the ledger refuses to hold);
/// a ledger failure is a 503 the client may retry; anything else is a 500 whose details go to the
/// log, not to the client.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as NotifyError {
            return try error.response(from: request, context: context)
        } catch let error as DeployBackendError {
            // What the deploy backend refuses, it says why; a deploy that failed outright is a 422.
            return Response.json(["error": .string(error.message)], status: error.status)
        } catch let error as HTTPError {
            return Response.json(["error": .string(error.body ?? Self.defaultMessage(error.status))], status: error.status)
        } catch let error as any HTTPResponseError {
            return Response.json(["error": .string(Self.defaultMessage(error.status))], status: error.status)
        } catch let error as LedgerError where error.code == .invalidInput {
            // What the store cannot hold (an item over DynamoDB's 400 KB, say) is the client's to change.
            return Response.json(["error": .string(error.message)], status: .badRequest)
        } catch let error as LedgerError {
            context.logger.error("ledger failure", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return Response.json(["error": "the ledger could not complete the request; try again"], status: .serviceUnavailable)
        } catch {
            context.logger.error("unexpected failure", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return Response.json(["error": "internal error"], status: .internalServerError)
        }
    }

    static func defaultMessage(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no such endpoint; see GET /openapi.json for every route (GET /healthz, POST /notify, GET /api/projects, GET /api/projects/{guid}/resources|events|deployments, GET /api/users/{userId}/deployments, POST /api/projects/{guid}/deploy|rollback, GET /api/jobs/{id}[/events], GET /api/deployments[/{id}[/logs]])"
        case .contentTooLarge: "the body is too large"
        default: status.reasonPhrase
        }
    }
}

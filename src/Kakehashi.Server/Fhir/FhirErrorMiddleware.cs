using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Task = System.Threading.Tasks.Task;

namespace Kakehashi.Server.Fhir;

/// <summary>
/// The one place errors become HTTP responses: a <see cref="FhirException"/> carries its status
/// and issues; anything else is a 500 whose body says nothing about the internals (no stack
/// trace, SQL or host name) and whose log line carries no patient data.
/// </summary>
public sealed class FhirErrorMiddleware(RequestDelegate next, ILogger<FhirErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, FhirResponseWriter writer)
    {
        try
        {
            await next(context);
        }
        catch (FhirException e)
        {
            await WriteAsync(context, writer, e.Status, e.Outcome);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e)
        {
            // Only the exception type and the route: messages may quote request content.
            logger.LogError("Unhandled {ExceptionType} for {Method} {Path} (trace {TraceId})",
                e.GetType().Name, context.Request.Method, context.Request.Path, context.TraceIdentifier);
            var outcome = new OperationOutcome
            {
                Issue =
                [
                    new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Fatal,
                        Code = OperationOutcome.IssueType.Exception,
                        Diagnostics = $"An internal error occurred (trace {context.TraceIdentifier}).",
                    },
                ],
            };
            await WriteAsync(context, writer, HttpStatusCode.InternalServerError, outcome);
        }
    }

    private static async Task WriteAsync(HttpContext context, FhirResponseWriter writer, HttpStatusCode status, OperationOutcome outcome)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = (int)status;
        FhirFormat format;
        try
        {
            format = FhirMediaTypes.ResponseFormat(context.Request);
        }
        catch (FhirException)
        {
            format = FhirFormat.Json;
        }

        await writer.WriteResourceAsync(context, outcome, format, FhirResponseWriter.IsPretty(context.Request));
    }
}

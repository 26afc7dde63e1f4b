using System.Net;
using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Errors;

/// <summary>
/// A request the server refuses. The HTTP status lives here, next to the issues that explain it,
/// so one handler in the host can render every error as an <see cref="OperationOutcome"/>.
/// </summary>
public sealed class FhirException : Exception
{
    public FhirException(HttpStatusCode status, OperationOutcome.IssueType code, string message, string? location = null)
        : base(message)
    {
        Status = status;
        Outcome = new OperationOutcome();
        AddIssue(code, message, location);
    }

    public FhirException(HttpStatusCode status, OperationOutcome outcome)
        : base(outcome.Issue.FirstOrDefault()?.Diagnostics ?? status.ToString())
    {
        Status = status;
        Outcome = outcome;
    }

    public HttpStatusCode Status { get; }

    public OperationOutcome Outcome { get; }

    public FhirException AddIssue(OperationOutcome.IssueType code, string message, string? location = null)
    {
        var issue = new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = code,
            Diagnostics = message,
        };
        if (location is not null)
        {
            issue.Expression = [location];
        }

        Outcome.Issue.Add(issue);
        return this;
    }

    public static FhirException BadRequest(string message, string? location = null) =>
        new(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, message, location);

    public static FhirException NotSupported(string message) =>
        new(HttpStatusCode.BadRequest, OperationOutcome.IssueType.NotSupported, message);

    public static FhirException NotFound(string message) =>
        new(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound, message);

    /// <summary>403: the caller is known but may not do this (the role policy, a scope, consent).</summary>
    public static FhirException Forbidden(string message) =>
        new(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden, message);

    public static FhirException Gone(string message) =>
        new(HttpStatusCode.Gone, OperationOutcome.IssueType.Deleted, message);

    public static FhirException Conflict(string message) =>
        new(HttpStatusCode.Conflict, OperationOutcome.IssueType.Conflict, message);

    public static FhirException PreconditionFailed(string message) =>
        new(HttpStatusCode.PreconditionFailed, OperationOutcome.IssueType.Conflict, message);

    public static FhirException Unprocessable(string message, string? location = null) =>
        new(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Processing, message, location);

    public static FhirException MethodNotAllowed(string message) =>
        new(HttpStatusCode.MethodNotAllowed, OperationOutcome.IssueType.NotSupported, message);

    public static FhirException TooLarge(string message) =>
        new(HttpStatusCode.RequestEntityTooLarge, OperationOutcome.IssueType.TooLong, message);

    public static FhirException UnsupportedMediaType(string message) =>
        new(HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, message);

    public static FhirException NotAcceptable(string message) =>
        new(HttpStatusCode.NotAcceptable, OperationOutcome.IssueType.NotSupported, message);
}

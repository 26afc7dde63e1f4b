using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Terminology;

namespace Kakehashi.Fhir.Validation;

/// <summary>
/// <c>[type]/$validate</c> and <c>[type]/[id]/$validate</c> with <c>resource</c>, <c>profile</c>
/// and <c>mode</c> (create, update, delete). Always answers 200 with an OperationOutcome whose
/// issues carry a severity and a FHIRPath location; invalid input is not an HTTP error here.
/// </summary>
public sealed class ValidateOperation(ProfileValidator validator, IResourceStore store, FhirSerializer serializer) : IFhirOperation
{
    public string Name => "validate";

    public string Definition => "http://hl7.org/fhir/OperationDefinition/Resource-validate";

    public bool IsIdempotent => false;

    public bool AppliesTo(string? resourceType, string? id) => resourceType is not null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var type = request.ResourceType!;
        var mode = OperationParameters.Text(request.Parameters, "mode");
        if (mode is not (null or "create" or "update" or "delete"))
        {
            throw FhirException.BadRequest($"The mode '{mode}' is not one of create, update, delete.", "mode");
        }

        var resource = OperationParameters.Resource<Resource>(request.Parameters, "resource");
        if (mode == "delete")
        {
            return new FhirResponse { Resource = await ValidateDeleteAsync(request, type, cancellationToken) };
        }

        if (resource is null && request.Id is not null)
        {
            var stored = await ReadAsync(request, type, request.Id, cancellationToken)
                ?? throw FhirException.NotFound($"{type}/{request.Id} is not known.");
            resource = serializer.ParseJson(stored.Json);
        }

        if (resource is null)
        {
            throw FhirException.BadRequest("$validate needs the resource to check, as the body or as the 'resource' parameter.", "resource");
        }

        if (resource.TypeName != type)
        {
            throw FhirException.BadRequest($"A {resource.TypeName} cannot be validated at the {type} endpoint.", "resource");
        }

        var outcome = await ValidationWriteInterceptor.ValidateDeclaredAsync(validator, resource, OperationParameters.Text(request.Parameters, "profile"), cancellationToken);
        if (mode == "update")
        {
            if (string.IsNullOrEmpty(resource.Id))
            {
                outcome.Issue.Add(Issue(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Required, "An update must carry the resource id.", "id"));
            }
            else if (request.Id is not null && resource.Id != request.Id)
            {
                outcome.Issue.Add(Issue(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Invalid, $"The id '{resource.Id}' does not match the id in the URL ('{request.Id}').", "id"));
            }
        }

        return new FhirResponse { Resource = Complete(outcome) };
    }

    private async Task<OperationOutcome> ValidateDeleteAsync(OperationRequest request, string type, CancellationToken cancellationToken)
    {
        var outcome = new OperationOutcome();
        if (request.Id is null)
        {
            throw FhirException.BadRequest("$validate with mode=delete needs a resource id: [type]/[id]/$validate.");
        }

        var stored = await ReadAsync(request, type, request.Id, cancellationToken);
        if (stored is null || stored.IsDeleted)
        {
            outcome.Issue.Add(Issue(OperationOutcome.IssueSeverity.Warning, OperationOutcome.IssueType.NotFound, $"{type}/{request.Id} does not exist; deleting it would change nothing.", null));
        }

        // Deletes are never refused for referential reasons (references to a deleted resource stay resolvable by version).
        return Complete(outcome);
    }

    private Task<StoredResource?> ReadAsync(OperationRequest request, string type, string id, CancellationToken cancellationToken) =>
        request.Transaction is null ? store.ReadAsync(type, id, cancellationToken) : request.Transaction.ReadAsync(type, id, cancellationToken);

    private static OperationOutcome Complete(OperationOutcome outcome)
    {
        if (outcome.Issue.Count == 0)
        {
            outcome.Issue.Add(Issue(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational, "No issues were found.", null));
        }

        return outcome;
    }

    private static OperationOutcome.IssueComponent Issue(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string message, string? expression)
    {
        var issue = new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = message };
        if (expression is not null)
        {
            issue.Expression = [expression];
        }

        return issue;
    }
}

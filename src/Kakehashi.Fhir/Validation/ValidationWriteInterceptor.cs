using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Validation;

/// <summary>
/// Validation on write (create, update, patch, Bundle entries), as <see cref="ValidationPolicy"/>
/// says. Rejecting throws a 422 listing every error and warning, so nothing of the request (or
/// transaction) is stored. A declared profile the server does not know is reported as a
/// warning rather than an error: the server cannot judge conformance to it.
/// </summary>
public sealed class ValidationWriteInterceptor(ProfileValidator validator, ValidationPolicy policy, Action<Resource, OperationOutcome>? onWarnings = null) : IResourceWriteInterceptor
{
    public WriteStage Stage => WriteStage.Validate;

    public async ValueTask OnWritingAsync(Resource resource, WriteContext context, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        var mode = policy.ModeFor(resource);
        if (mode == ValidationMode.Off)
        {
            return;
        }

        var outcome = await ValidateDeclaredAsync(validator, resource, null, cancellationToken);
        if (!ProfileValidator.HasErrors(outcome))
        {
            return;
        }

        if (mode == ValidationMode.Reject)
        {
            var refusal = new OperationOutcome();
            refusal.Issue.AddRange(outcome.Issue.Where(i => i.Severity is not OperationOutcome.IssueSeverity.Information));
            throw new FhirException(HttpStatusCode.UnprocessableEntity, refusal);
        }

        onWarnings?.Invoke(resource, outcome);
    }

    /// <summary>
    /// Validates against the type, the declared profiles the server knows, and
    /// <paramref name="profile"/>; each unknown declared profile becomes a warning.
    /// </summary>
    public static async Task<OperationOutcome> ValidateDeclaredAsync(ProfileValidator validator, Resource resource, string? profile, CancellationToken cancellationToken)
    {
        var declared = resource.Meta?.Profile?.Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).ToList() ?? [];
        var unknown = new List<string>();
        foreach (var canonical in declared)
        {
            if (!await validator.IsKnownProfileAsync(canonical, cancellationToken))
            {
                unknown.Add(canonical);
            }
        }

        var subject = resource;
        if (unknown.Count > 0)
        {
            subject = (Resource)resource.DeepCopy();
            var remaining = declared.Except(unknown).ToList();
            subject.Meta!.Profile = remaining.Count > 0 ? remaining : [];
            if (!subject.Meta.EnumerateElements().Any())
            {
                // An empty meta would itself be invalid (ele-1).
                subject.Meta = null;
            }
        }

        var outcome = validator.Validate(subject, profile);
        foreach (var canonical in unknown)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning,
                Code = OperationOutcome.IssueType.NotFound,
                Diagnostics = $"The declared profile '{canonical}' is not known to this server; the resource was not checked against it.",
                Expression = ["meta.profile"],
            });
        }

        return outcome;
    }
}

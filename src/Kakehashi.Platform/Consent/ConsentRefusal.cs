using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// The one answer of every view that needs a consent the patient has not given: 403 naming the
/// category (as a coded detail a client can act on) and how the patient gives it.
/// </summary>
public static class ConsentRefusal
{
    public static FhirException For(string view, string patientKey, string category, string organizationCode)
    {
        var outcome = new OperationOutcome();
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = OperationOutcome.IssueType.Forbidden,
            Details = new CodeableConcept(ConsentCategories.System, category),
            Diagnostics = $"Viewing the {view} of {patientKey} needs the patient's consent in category '{category}' for organization {organizationCode}, "
                          + "in force now; there is none. The patient gives it at the card reader or to your staff (a Consent resource).",
        });
        return new FhirException(HttpStatusCode.Forbidden, outcome);
    }
}

using Kakehashi.Fhir.Interactions;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>The six clinical items of EHR information sharing (docs/sharing.md, "Six clinical items").</summary>
public static class ClinicalItemsExtensions
{
    public static WebApplicationBuilder AddSharingClinicalItems(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IFhirOperation, SubmitClinicalItemsOperation>();
        return builder;
    }
}

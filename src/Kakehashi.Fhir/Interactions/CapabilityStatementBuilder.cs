using Hl7.Fhir.Model;
using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// Describes what this server really does. The interactions listed are exactly those
/// <see cref="FhirDispatcher"/> routes; the search parameters come from the live registry,
/// so a parameter added at runtime appears here too.
/// </summary>
public sealed class CapabilityStatementBuilder(SearchParameterRegistry registry, IEnumerable<IFhirOperation> operations, TimeProvider time, string softwareVersion)
{
    private static readonly CapabilityStatement.TypeRestfulInteraction[] TypeInteractions =
    [
        CapabilityStatement.TypeRestfulInteraction.Read,
        CapabilityStatement.TypeRestfulInteraction.Vread,
        CapabilityStatement.TypeRestfulInteraction.Update,
        CapabilityStatement.TypeRestfulInteraction.Patch,
        CapabilityStatement.TypeRestfulInteraction.Delete,
        CapabilityStatement.TypeRestfulInteraction.HistoryInstance,
        CapabilityStatement.TypeRestfulInteraction.HistoryType,
        CapabilityStatement.TypeRestfulInteraction.Create,
        CapabilityStatement.TypeRestfulInteraction.SearchType,
    ];

    public CapabilityStatement Build(string baseUrl)
    {
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Interaction =
            [
                new() { Code = CapabilityStatement.SystemRestfulInteraction.Transaction },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.Batch },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.SearchSystem },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.HistorySystem },
            ],
        };

        foreach (var operation in operations.Where(o => o.AppliesTo(null, null)))
        {
            rest.Operation.Add(new CapabilityStatement.OperationComponent { Name = operation.Name, Definition = operation.Definition });
        }

        foreach (var type in ModelInfo.SupportedResources.Order(StringComparer.Ordinal))
        {
            var component = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Profile = ModelInfo.CanonicalUriForFhirCoreType(type).Value,
                Versioning = CapabilityStatement.ResourceVersionPolicy.VersionedUpdate,
                ReadHistory = true,
                UpdateCreate = true,
                ConditionalCreate = true,
                ConditionalRead = CapabilityStatement.ConditionalReadStatus.FullSupport,
                ConditionalUpdate = true,
                ConditionalDelete = CapabilityStatement.ConditionalDeleteStatus.Single,
                Interaction = [.. TypeInteractions.Select(code => new CapabilityStatement.ResourceInteractionComponent { Code = code })],
            };
            foreach (var parameter in registry.GetAll(type).OrderBy(p => p.Code, StringComparer.Ordinal))
            {
                component.SearchParam.Add(new CapabilityStatement.SearchParamComponent
                {
                    Name = parameter.Code,
                    Type = parameter.Type,
                    Definition = parameter.Url,
                });
            }

            foreach (var operation in operations.Where(o => o.AppliesTo(type, null) || o.AppliesTo(type, "id")).DistinctBy(o => o.Name))
            {
                component.Operation.Add(new CapabilityStatement.OperationComponent { Name = operation.Name, Definition = operation.Definition });
            }

            rest.Resource.Add(component);
        }

        return new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Publisher = "Kakehashi",
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "Kakehashi", Version = softwareVersion },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "Kakehashi FHIR server", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json", "application/fhir+xml", "json", "xml"],
            PatchFormat = ["application/json-patch+json", "application/fhir+json", "application/fhir+xml"],
            Rest = [rest],
        };
    }
}

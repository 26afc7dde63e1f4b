using Kakehashi.Fhir.Interactions;

namespace Kakehashi.Fhir.Security;

/// <summary>
/// An operation on the server itself rather than on the records it addresses (<c>$reindex</c>
/// rebuilds indexes for every caller, at any level): the host lets only the operator's systems
/// and security administrators run it, whatever the role may do with the resource type named in
/// its path.
/// </summary>
public interface IAdministrativeOperation : IFhirOperation;

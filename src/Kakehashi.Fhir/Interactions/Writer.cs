using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// Who a write is done for, handed explicitly through the write pipeline: the caller (null for
/// the server's own work) and what that caller may see (null: no restriction). Conditional
/// matches see only what <see cref="Restriction"/> lets through, the engine refuses a write for
/// a patient the caller cannot see, and every <see cref="IResourceWriteInterceptor"/> receives
/// <see cref="Caller"/> in its <see cref="WriteContext"/>.
/// </summary>
public sealed record Writer(AccessContext? Caller, AccessRestriction? Restriction);

/// <summary>What an interceptor knows of the write besides the resource.</summary>
/// <param name="Caller">Who writes; null for the server's own work.</param>
/// <param name="Current">The version this write replaces (update, patch), or null for a new resource.</param>
public sealed record WriteContext(AccessContext? Caller, StoredResource? Current);

using Hl7.Fhir.Model;
using Kakehashi.Fhir.Bundles;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Audit;
using Kakehashi.Platform.Consent;

namespace Kakehashi.Platform.Security;

/// <summary>
/// Authorization, narrowing and audit for every interaction the dispatcher runs. Decides from
/// the caller's role (the <see cref="AccessPolicy"/>) intersected with the token's SMART scopes;
/// narrows searches before they run (the patient portal role to its own compartment, narrowed
/// scopes to their parameters); answers 404 for a resource outside what the caller may see, as
/// for one that does not exist; and writes an audit row for every outcome.
/// </summary>
public sealed class FhirAccessGuard(AccessPolicy policy, AuditLog audit, AccessRestrictions restrictions, IServiceProvider services, TimeProvider time) : IFhirRequestGuard
{
    // Resolved lazily: the search service is built beside the dispatcher that owns this guard.
    private SearchService Search => services.GetRequiredService<SearchService>();

    private IResourceStore Store => services.GetRequiredService<IResourceStore>();

    private SearchQueryParser Parser => services.GetRequiredService<SearchQueryParser>();

    public async Task<FhirResponse> GuardAsync(FhirRequest request, FhirInteraction interaction, IResourceTransaction? transaction, Func<FhirRequest, Task<FhirResponse>> next, CancellationToken cancellationToken)
    {
        var outer = AuditScope.Current;
        var caller = request.Caller ?? outer?.Caller;
        if (caller is null)
        {
            // The server's own work (start-up seeding): no caller, nothing to decide.
            return await next(request);
        }

        request = request.Caller is null ? request with { Caller = caller } : request;
        if (interaction.Kind is InteractionKind.Capabilities)
        {
            return await next(request);
        }

        var scope = new AuditScope
        {
            Caller = caller,
            Interaction = interaction,
            RequestId = outer?.RequestId ?? Guid.NewGuid().ToString("N"),
            Query = AuditQuery(request.Query),
        };
        AuditScope.Current = scope;
        try
        {
            if (interaction.Kind == InteractionKind.Unknown)
            {
                // Closed by default: what the router cannot name never runs, and the attempt is recorded.
                throw interaction.ToException();
            }

            if (caller.OrganizationKind is { } kind && !KnownOrganizationKinds.Employs(kind, caller.Role))
            {
                // Registered before the admin API checked it: a research body's "doctor" is refused, not trusted.
                throw FhirException.Forbidden($"A {kind} does not employ the job type '{caller.Role}'.");
            }

            if (caller.Role == KnownRoles.Patient && caller.PatientId is null)
            {
                throw FhirException.Forbidden("This patient account is not linked to a patient record.");
            }

            var access = await restrictions.ForAsync(caller, cancellationToken);
            scope.EmergencyPatients = access.EmergencyPatients;
            if (interaction.Kind == InteractionKind.Bundle)
            {
                AuthorizeBundle(caller, request);
                // Conditional references and If-None-Exist of a transaction match only what the caller may see.
                return await next(access.Restriction is null ? request : request with { Restriction = access.Restriction });
            }

            Authorize(caller, interaction, request);
            var narrowed = await NarrowAsync(caller, interaction, request, access.Restriction, transaction, cancellationToken);
            scope.Query = AuditQuery(narrowed.Query);
            var response = await next(narrowed);
            FilterIncluded(caller, response);
            if (!interaction.IsWrite)
            {
                await AuditAsync(transaction, Records(scope, interaction, request, (int)response.Status, Patients(response, interaction)), cancellationToken);
            }

            return response;
        }
        catch (FhirException e)
        {
            // Inside a transaction a failure aborts everything; the Bundle-level call records it once the transaction is gone.
            if (transaction is null)
            {
                await AuditAsync(null, Records(scope, interaction, request, (int)e.Status, new List<string?> { PatientReferences.FromRequest(interaction.ResourceType, interaction.Id, request.Query) }), CancellationToken.None);
            }

            throw;
        }
        finally
        {
            AuditScope.Current = outer;
        }
    }

    private void Authorize(AccessContext caller, FhirInteraction interaction, FhirRequest request)
    {
        var patientRole = caller.Role == KnownRoles.Patient;
        switch (interaction.Kind)
        {
            // $reindex and the like: security administrators by role alone; the operator's systems go on to the checks below.
            case InteractionKind.Operation when caller.Role != KnownRoles.System && AccessOf(interaction) == OperationAccess.Administrative:
                if (caller.Role != KnownRoles.SecurityAdministrator)
                {
                    throw FhirException.Forbidden($"${interaction.Operation} is an administrative operation: only the operator's systems and security administrators may run it.");
                }

                break;
            case InteractionKind.SearchSystem:
            case InteractionKind.HistorySystem:
                if (patientRole)
                {
                    throw FhirException.Forbidden("The patient portal searches one resource type at a time.");
                }

                var listed = request.Query.Where(q => q.Key == "_type").SelectMany(q => q.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
                if (interaction.Kind == InteractionKind.SearchSystem && listed.Count > 0)
                {
                    listed.ForEach(type => Check(caller, type, 's'));
                }
                else
                {
                    CheckAll(caller, 's');
                }

                break;
            case InteractionKind.HistoryType when patientRole:
                throw FhirException.Forbidden("The patient portal reads history one resource at a time.");
            case InteractionKind.SearchCompartment:
                Check(caller, interaction.ResourceType!, 'r');
                if (interaction.TargetType is { } target)
                {
                    Check(caller, target, 's');
                }
                else
                {
                    CheckAll(caller, 's');
                }

                if (patientRole && (interaction.ResourceType != "Patient" || interaction.Id != caller.PatientId))
                {
                    throw FhirException.Forbidden("The patient portal sees only the patient's own compartment.");
                }

                break;
            case InteractionKind.Operation when patientRole && !IsOwnRecordOperation(caller, interaction):
                throw FhirException.Forbidden("The patient portal runs only the views of its own record (such as Patient/[id]/$medication-history), no other operations.");
            case InteractionKind.Operation when interaction.ResourceType is null || interaction.Operation == "everything":
                CheckAll(caller, 'r');
                break;
            case InteractionKind.Operation when interaction.Id is not null && AccessOf(interaction) is OperationAccess.SelfNarrowing or OperationAccess.OwnRecord:
                // It decides itself what it needs beyond reading the patient ($emergency-access: a
                // hospital doctor's reason; $submit-clinical-items: the right to create the items):
                // posting to it changes no Patient, so it asks for no right to update one.
                Check(caller, interaction.ResourceType!, 'r');
                break;
            default:
                foreach (var action in interaction.Actions)
                {
                    Check(caller, interaction.ResourceType!, action);
                }

                if (patientRole && interaction.IsWrite)
                {
                    throw FhirException.Forbidden("The patient portal cannot change records through the FHIR API.");
                }

                break;
        }

        if (interaction.Kind is InteractionKind.SearchType or InteractionKind.SearchSystem or InteractionKind.SearchCompartment || interaction.IsConditional)
        {
            CheckSearchParameters(caller, interaction.TargetType ?? interaction.ResourceType, request.Query);
        }
        else if (interaction.Kind == InteractionKind.Create && !string.IsNullOrEmpty(request.IfNoneExist))
        {
            // If-None-Exist is a search: it needs the right to search, and reaches only what that allows.
            var criteria = QueryParameters.Parse(request.IfNoneExist);
            Check(caller, interaction.ResourceType!, 's');
            CheckSearchParameters(caller, interaction.ResourceType, criteria);
        }
    }

    public void AuthorizeMatch(FhirRequest request, string resourceType, IReadOnlyList<KeyValuePair<string, string>> criteria)
    {
        var caller = request.Caller ?? AuditScope.Current?.Caller;
        if (caller is null)
        {
            return;
        }

        Check(caller, resourceType, 's');
        if (caller.Scopes.Where(s => s.Context == ScopeContext(caller) && s.Grants(resourceType, 's')).All(s => s.Narrowing.Count > 0))
        {
            throw FhirException.Forbidden($"This access is limited to part of {resourceType}, which a conditional match cannot be narrowed to.");
        }

        CheckSearchParameters(caller, resourceType, criteria);
    }

    /// <summary>
    /// Every type a search reaches — by a chain (each hop), <c>_has</c> (nested too) or
    /// <c>_revinclude</c> — must be searchable by the caller: otherwise it is a value oracle.
    /// Decided on the query as the engine parses and runs it (after a first check by name).
    /// </summary>
    private void CheckSearchParameters(AccessContext caller, string? resourceType, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        foreach (var (key, value) in query)
        {
            if (key.StartsWith("_include", StringComparison.Ordinal) && value.Trim() == "*")
            {
                CheckAll(caller, 's');
            }
        }

        if (query.Count == 0)
        {
            return;
        }

        // First by the names' shape, which refuses even what the parser would reject as unsupported
        // (a _has inside a chain) with the 403 it deserves; then on the parsed query, every hop.
        CheckParameterNames(caller, resourceType, query);
        var parsed = Parser.Parse(resourceType, query, lenient: true);
        foreach (var revinclude in parsed.RevIncludes)
        {
            Check(caller, revinclude.SourceType, 's');
        }

        // _include targets are filtered from the result instead (FilterIncluded): they do not count in totals.
        foreach (var condition in parsed.Conditions)
        {
            CheckReached(caller, condition);
        }
    }

    private void CheckParameterNames(AccessContext caller, string? resourceType, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        foreach (var (key, _) in query)
        {
            if (key.StartsWith("_include", StringComparison.Ordinal) || key.StartsWith("_revinclude", StringComparison.Ordinal))
            {
                continue;
            }

            // _has:Observation:patient:_has:AuditEvent:entity:code, also inside a chain (subject:Patient._has:…).
            var segments = key.Split(':', '.');
            for (var i = 0; i + 1 < segments.Length; i++)
            {
                if (segments[i] == "_has")
                {
                    Check(caller, segments[i + 1], 's');
                }
            }

            if (key.StartsWith("_has:", StringComparison.Ordinal))
            {
                continue;
            }

            var dot = key.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && !key.StartsWith('_'))
            {
                var head = key[..dot];
                var colon = head.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && ModelInfo.IsKnownResource(head[(colon + 1)..]))
                {
                    Check(caller, head[(colon + 1)..], 's');
                }
                else
                {
                    // An untyped chain may reach any target type of the parameter: all must be searchable.
                    // At system level the searched types come from _type.
                    var param = colon > 0 ? head[..colon] : head;
                    var searched = resourceType is not null
                        ? [resourceType]
                        : query.Where(q => q.Key == "_type").SelectMany(q => q.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray();
                    foreach (var target in searched.SelectMany(type => ModelInfo.SearchParameters.Where(p => p.Resource == type && p.Name == param)).SelectMany(p => p.Target ?? []))
                    {
                        Check(caller, target.ToString(), 's');
                    }
                }
            }
        }
    }

    private void CheckReached(AccessContext caller, SearchCondition condition)
    {
        switch (condition)
        {
            case ChainCondition chain:
                chain.TargetTypes.ToList().ForEach(type => Check(caller, type, 's'));
                CheckReached(caller, chain.Inner);
                break;
            case HasCondition has:
                Check(caller, has.SourceType, 's');
                CheckReached(caller, has.Inner);
                break;
            case AnyCondition any:
                any.Alternatives.ToList().ForEach(alternative => CheckReached(caller, alternative));
                break;
            case NotCondition not:
                CheckReached(caller, not.Inner);
                break;
            case CompositeCondition composite:
                composite.Alternatives.SelectMany(a => a).ToList().ForEach(component => CheckReached(caller, component));
                break;
        }
    }

    private void AuthorizeBundle(AccessContext caller, FhirRequest request)
    {
        if (request.Body is not Bundle bundle)
        {
            return;
        }

        if (caller.Role == KnownRoles.Patient)
        {
            throw FhirException.Forbidden("The patient portal sends one request at a time, not batches or transactions.");
        }

        // Every entry is checked before anything runs, as the interaction the dispatcher will run
        // for it; entries are checked again, one by one, as they are dispatched.
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            var entry = bundle.Entry[i];
            if (entry.Request?.Method is not { } method || entry.Request.Url is not { } url)
            {
                continue;
            }

            var entryRequest = BundleProcessor.EntryRequest(entry, request);
            var entryInteraction = FhirInteraction.Classify(entryRequest);
            if (entryInteraction.Kind is InteractionKind.Unknown or InteractionKind.Bundle)
            {
                throw FhirException.BadRequest($"Entry {i} ({method} {url}) names no interaction this server can run; nothing was processed.", $"Bundle.entry[{i}].request.url");
            }

            try
            {
                if (entryInteraction.Kind is not InteractionKind.Capabilities)
                {
                    Authorize(caller, entryInteraction, entryRequest);
                }
            }
            catch (FhirException e)
            {
                e.AddIssue(OperationOutcome.IssueType.Forbidden, $"Entry {i} ({method} {url}) is not allowed; nothing was processed.", $"Bundle.entry[{i}]");
                throw;
            }
        }
    }

    /// <summary>
    /// Narrows the request before it runs: the caller's <see cref="AccessRestriction"/> (the
    /// patient's own compartment; consent and emergency grants) goes into the SQL of every
    /// search, match and history; patient-portal and narrowed-scope parameters are added to
    /// searches; and an instance the caller may not see answers 404, exactly as one that does not exist.
    /// </summary>
    private async Task<FhirRequest> NarrowAsync(AccessContext caller, FhirInteraction interaction, FhirRequest request, AccessRestriction? restriction, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        request = restriction is null ? request : request with { Restriction = restriction };
        var type = interaction.ResourceType;
        if (type is null)
        {
            return request;
        }

        var narrowing = new List<KeyValuePair<string, string>>();
        if (caller.Role == KnownRoles.Patient && policy.PatientCompartment.TryGetValue(type, out var param) && param != AccessPolicy.StoredCompartment)
        {
            narrowing.Add(param == "_id" ? new("_id", caller.PatientId!) : new(param, "Patient/" + caller.PatientId));
        }

        var action = interaction.Kind is InteractionKind.SearchType ? 's' : 'r';
        var granting = caller.Scopes.Where(s => s.Context == ScopeContext(caller) && s.Grants(type, action)).ToList();
        if (granting.Count > 0 && granting.All(s => s.Narrowing.Count > 0))
        {
            // Several narrowed scopes would mean their union; applying the first is narrower, never wider.
            // A scope's parameters run as search criteria: they are authorized exactly like the request's.
            CheckSearchParameters(caller, type, granting[0].Narrowing);
            narrowing.AddRange(granting[0].Narrowing);
        }

        switch (interaction.Kind)
        {
            case InteractionKind.SearchType:
                return narrowing.Count == 0 ? request : request with { Query = [.. request.Query, .. narrowing] };
            case InteractionKind.Read or InteractionKind.VRead or InteractionKind.HistoryInstance:
                if ((narrowing.Count > 0 || restriction is not null) && !await IsVisibleAsync(caller, type, interaction.Id!, narrowing, request, transaction, cancellationToken))
                {
                    // The same answer as for an id that does not exist: no existence oracle.
                    throw FhirException.NotFound($"{type}/{interaction.Id} is not known.");
                }

                return request;
            case InteractionKind.Operation when interaction.Id is not null && (narrowing.Count > 0 || restriction is not null) && AccessOf(interaction) == OperationAccess.ByPolicy:
                // $validate of a stored instance, $submit-checkup, $everything…: nothing of an instance the caller cannot see.
                if (!await IsVisibleAsync(caller, type, interaction.Id, narrowing, request, transaction, cancellationToken))
                {
                    throw FhirException.NotFound($"{type}/{interaction.Id} is not known.");
                }

                return request;
            case InteractionKind.SearchCompartment when interaction.TargetType is { } target && CompartmentNarrowing(caller, target) is { Count: > 0 } targetNarrowing:
                // Patient/1/Observation under system/Observation.rs?category=…: the target's narrowing applies.
                CheckSearchParameters(caller, target, targetNarrowing);
                return request with { Query = [.. request.Query, .. targetNarrowing] };
            case InteractionKind.SearchCompartment or InteractionKind.Operation:
                return request;
            case InteractionKind.Update or InteractionKind.Patch or InteractionKind.Delete when narrowing.Count == 0 && interaction.Id is not null && restriction is not null:
                // A write by id may create (update-as-create), but never touch what the caller cannot see.
                if (!await IsVisibleAsync(caller, type, interaction.Id, narrowing, request, transaction, cancellationToken) &&
                    await ExistsAsync(type, interaction.Id, transaction, cancellationToken))
                {
                    throw FhirException.NotFound($"{type}/{interaction.Id} is not known.");
                }

                return request;
            case InteractionKind.Create or InteractionKind.Update or InteractionKind.Patch or InteractionKind.Delete or InteractionKind.HistoryType when narrowing.Count == 0:
                // Conditional writes match, and type history lists, only visible resources (the restriction is in the request).
                return request;
            default:
                throw FhirException.Forbidden($"This access is limited to part of {type}, which this interaction cannot be narrowed to.");
        }
    }

    private static IReadOnlyList<KeyValuePair<string, string>> CompartmentNarrowing(AccessContext caller, string target)
    {
        var granting = caller.Scopes.Where(s => s.Context == ScopeContext(caller) && s.Grants(target, 's')).ToList();
        return granting.Count > 0 && granting.All(s => s.Narrowing.Count > 0) ? granting[0].Narrowing : [];
    }

    /// <summary>The caller's search for the id, with the same narrowing and restriction, finds it.</summary>
    private async Task<bool> IsVisibleAsync(AccessContext caller, string type, string id, List<KeyValuePair<string, string>> narrowing, FhirRequest request, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var probe = new FhirRequest
        {
            Method = "GET",
            Path = type,
            Query = [new("_id", id), .. narrowing],
            BaseUrl = request.BaseUrl,
            Caller = caller,
            Restriction = request.Restriction,
        };
        var found = await Search.SearchAsync(type, probe, transaction, cancellationToken);
        return found.Bundle is { } bundle && bundle.Entries.Any(e => e.SearchMode == Bundle.SearchEntryMode.Match);
    }

    /// <summary>Any version, deleted or not: a write by id never revives a hidden resource's history either.</summary>
    private async Task<bool> ExistsAsync(string type, string id, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var stored = transaction is null ? await Store.ReadAsync(type, id, cancellationToken) : await transaction.ReadAsync(type, id, cancellationToken);
        return stored is not null;
    }

    private static string? AuditQuery(IReadOnlyList<KeyValuePair<string, string>> query) =>
        query.Count == 0 ? null : string.Join("&", query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));

    /// <summary>_include may reach types or patients the caller may not see; such entries are dropped (they are not counted in totals).</summary>
    private void FilterIncluded(AccessContext caller, FhirResponse response)
    {
        if (response.Bundle is not { } bundle)
        {
            return;
        }

        bundle.Entries.RemoveAll(e => e.SearchMode == Bundle.SearchEntryMode.Include && e.Stored is { } stored && !MaySee(caller, stored));
    }

    private bool MaySee(AccessContext caller, StoredResource stored)
    {
        if (!policy.Allows(caller.Role, stored.ResourceType, 'r') || !ScopeGrants(caller, stored.ResourceType, 'r'))
        {
            return false;
        }

        return caller.Role != KnownRoles.Patient || !policy.PatientCompartment.ContainsKey(stored.ResourceType) ||
               PatientReferences.Of(stored) == "Patient/" + caller.PatientId;
    }

    private void Check(AccessContext caller, string type, char action)
    {
        if (!ModelInfo.IsKnownResource(type))
        {
            return;
        }

        if (!policy.Allows(caller.Role, type, action))
        {
            throw FhirException.Forbidden($"The role '{caller.Role}' may not {Verb(action)} {type}.");
        }

        if (!ScopeGrants(caller, type, action))
        {
            throw FhirException.Forbidden($"The access token's scopes do not allow to {Verb(action)} {type}.");
        }
    }

    private void CheckAll(AccessContext caller, char action)
    {
        if (!policy.AllowsAll(caller.Role, action) || !caller.Scopes.Any(s => s.Context == ScopeContext(caller) && s.IsWildcard && s.Actions.Contains(action, StringComparison.Ordinal)))
        {
            throw FhirException.Forbidden($"Only callers allowed to {Verb(action)} every resource type may make this request.");
        }
    }

    private static bool ScopeGrants(AccessContext caller, string type, char action) =>
        caller.Scopes.Any(s => s.Context == ScopeContext(caller) && s.Grants(type, action));

    private static string ScopeContext(AccessContext caller) => caller.Kind switch
    {
        CallerKind.System => "system",
        CallerKind.Patient => "patient",
        _ => "user",
    };

    private static string Verb(char action) => action switch
    {
        'c' => "create",
        'r' => "read",
        'u' => "update",
        'd' => "delete",
        _ => "search",
    };


    /// <summary>The rule the operation an interaction names declares for itself (<see cref="IFhirOperation.Access"/>).</summary>
    private OperationAccess AccessOf(FhirInteraction interaction) =>
        services.GetServices<IFhirOperation>().FirstOrDefault(o => o.Name == interaction.Operation && o.AppliesTo(interaction.ResourceType, interaction.Id))?.Access
        ?? OperationAccess.ByPolicy;

    /// <summary>The operations a patient may run on their own Patient/[id] (the history views).</summary>
    private bool IsOwnRecordOperation(AccessContext caller, FhirInteraction interaction) =>
        interaction.ResourceType == "Patient" && interaction.Id is not null && interaction.Id == caller.PatientId &&
        AccessOf(interaction) == OperationAccess.OwnRecord;

    /// <summary>
    /// The patients a response shows. An operation on a patient (Patient/[id]/$…) that answers with
    /// resources built for it, or with none, is recorded against the patient of its path.
    /// </summary>
    private static List<string?> Patients(FhirResponse response, FhirInteraction interaction)
    {
        var patients = Patients(response);
        return interaction.Kind == InteractionKind.Operation && patients.All(p => p is null)
               && PatientReferences.FromRequest(interaction.ResourceType, interaction.Id, []) is { } named
            ? [named]
            : patients;
    }

    private static List<string?> Patients(FhirResponse response)
    {
        if (response.Stored is { } stored)
        {
            return [PatientReferences.Of(stored)];
        }

        var patients = response.Bundle?.Entries.Where(e => e.Stored is not null).Select(e => PatientReferences.Of(e.Stored!)).Distinct().ToList() ?? [];
        return patients.Count == 0 ? [null] : patients;
    }

    private List<AuditRecord> Records(AuditScope scope, FhirInteraction interaction, FhirRequest request, int status, IEnumerable<string?> patients)
    {
        var caller = scope.Caller;
        var now = time.GetUtcNow();
        var resource = request.Path.Length == 0 ? "/" : request.Path;
        return [.. patients.Distinct().Select(patient =>
        {
            // Access to a patient under a break-the-glass grant is recorded as emergency treatment.
            return AuditRecord.ByCaller(caller, now, scope.RequestId, new AuditedAccess
            {
                Patient = patient,
                Action = interaction.AuditAction,
                Interaction = interaction.Name,
                Resource = resource,
                Query = scope.Query,
                Outcome = status,
                Emergency = patient is not null && scope.EmergencyPatients.Contains(patient),
            });
        })];
    }

    private async System.Threading.Tasks.Task AuditAsync(IResourceTransaction? transaction, List<AuditRecord> records, CancellationToken cancellationToken)
    {
        if (transaction is not null)
        {
            await audit.AppendAsync(transaction.Sql(), records, cancellationToken);
        }
        else
        {
            await audit.AppendAsync(records, cancellationToken);
        }
    }
}

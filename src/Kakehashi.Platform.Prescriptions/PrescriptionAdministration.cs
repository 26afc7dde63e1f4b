using System.IO.Compression;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Endpoints;
using Kakehashi.Platform.Prescriptions.DrugMaster;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// What operators and institutions set for the prescription service: the drug master (read by
/// every prescriber and pharmacist; a new price list loaded by the operator), the CRLs of the HPKI
/// authorities, and an institution's check settings.
/// </summary>
public static class PrescriptionAdministration
{
    /// <summary>The published price list is about 3 MB; a tenfold margin.</summary>
    private const long MaxPriceListBytes = 32 * 1024 * 1024;

    private const long MaxCrlBytes = 8 * 1024 * 1024;

    private static readonly string[] Operators = [KnownRoles.System, KnownRoles.SecurityAdministrator];

    private static readonly string[] Clinicians = [KnownRoles.Doctor, KnownRoles.Dentist, KnownRoles.Pharmacist, KnownRoles.Nurse, KnownRoles.System];

    public static void MapPrescriptionAdministration(this RouteGroupBuilder group)
    {
        group.MapGet("/drug-master", async (DrugMasterProvider masters, CancellationToken cancellationToken) =>
        {
            var master = await masters.CurrentAsync(cancellationToken);
            return PrescriptionEndpoints.Json(new JsonObject
            {
                ["version"] = master.Version,
                ["publishedOn"] = PrescriptionStore.Day(master.PublishedOn),
                ["products"] = master.Count,
                ["attribution"] = DrugMasterVersion.Attribution,
            });
        }).RequireAccess(EndpointAccess.ForRoles("drug-master-read", "R", "read the drug master", Clinicians));

        group.MapGet("/drug-master/products", async (DrugMasterProvider masters, string? name, string? code, CancellationToken cancellationToken) =>
        {
            var master = await masters.CurrentAsync(cancellationToken);
            IReadOnlyList<DrugProduct> found = code is not null
                ? master.Find(code) is { } one ? [one] : []
                : (name ?? "").Trim().Length >= 1 ? master.Search(name!, 30) : throw FhirException.BadRequest("Search the drug master by 'name' (part of the product or ingredient name) or 'code' (YJ code).");
            return PrescriptionEndpoints.Json(new JsonObject
            {
                ["version"] = master.Version,
                ["items"] = new JsonArray([.. found.Select(p => (JsonNode)new JsonObject
                {
                    ["yjCode"] = p.YjCode,
                    ["name"] = p.Name,
                    ["ingredient"] = p.IngredientName,
                    ["strength"] = p.Strength,
                    ["route"] = p.Route.ToString().ToLowerInvariant(),
                    ["narcotic"] = p.Narcotic,
                    ["psychotropic"] = p.Psychotropic,
                    ["newDrug"] = p.NewDrug,
                    ["poultice"] = p.Poultice,
                })]),
            });
        }).RequireAccess(EndpointAccess.ForRoles("drug-master-read", "R", "read the drug master", Clinicians));

        group.MapPost("/drug-master", LoadPriceListAsync).RequireAccess(EndpointAccess.ForRoles("drug-master-load", "C", "load a drug master", Operators));
        group.MapPost("/crls", AddCrlAsync).RequireAccess(EndpointAccess.ForRoles("signature-crl-upload", "C", "upload certificate revocation lists", Operators));
        group.MapGet("/settings", async (HttpContext http, PrescriptionSettings settings) =>
        {
            var code = Institution(http.Caller());
            return PrescriptionEndpoints.Json(new JsonObject { ["institution"] = code, ["checkOwnRecords"] = await settings.ChecksOwnAsync(code, http.RequestAborted) });
        }).RequireAccess(EndpointAccess.ForRoles("prescription-settings-read", "R", "read the institution's prescription settings", KnownRoles.SecurityAdministrator));
        group.MapPut("/settings", async (HttpContext http, PrescriptionSettings settings, PrescriptionClock clock) =>
        {
            var caller = http.Caller();
            var code = Institution(caller);
            var body = await JsonBodies.ReadBytesAsync(http, 4096, json: true);
            var checkOwn = JsonNode.Parse(body)?["checkOwnRecords"]?.GetValue<bool>()
                ?? throw FhirException.BadRequest("Send { \"checkOwnRecords\": true | false }.", "checkOwnRecords");
            await settings.SetChecksOwnAsync(code, checkOwn, caller.Subject, clock.Now, http.RequestAborted);
            return PrescriptionEndpoints.Json(new JsonObject { ["institution"] = code, ["checkOwnRecords"] = checkOwn });
        }).RequireAccess(EndpointAccess.ForRoles("prescription-settings-update", "U", "change the institution's prescription settings", KnownRoles.SecurityAdministrator));
    }

    private static async Task<IResult> LoadPriceListAsync(HttpContext http, DrugMasterProvider masters, SqlDialect dialect, PrescriptionClock clock, string? version, string? publishedOn)
    {
        var caller = http.Caller();
        RequireOperator(caller);
        if (string.IsNullOrWhiteSpace(version) || version.Length > 64 || !DateOnly.TryParseExact(publishedOn, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var published))
        {
            throw FhirException.BadRequest("Name the list: ?version=…&publishedOn=YYYY-MM-DD (the date the Ministry published it).");
        }

        if (!(http.Request.ContentType ?? "").StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            throw FhirException.UnsupportedMediaType("Send the price list as text/csv, in the Ministry's published layout.");
        }

        var csv = await JsonBodies.ReadBytesAsync(http, MaxPriceListBytes, json: false);
        DrugMasterVersion master;
        try
        {
            master = DrugMasterProvider.Parse(csv, version, published);
        }
        catch (InvalidDataException e)
        {
            throw new FhirException(System.Net.HttpStatusCode.UnprocessableEntity, Hl7.Fhir.Model.OperationOutcome.IssueType.Invalid, "The price list cannot be read: " + e.Message);
        }

        using var packed = new MemoryStream();
        await using (var zip = new GZipStream(packed, CompressionLevel.Optimal, leaveOpen: true))
        {
            await zip.WriteAsync(csv, http.RequestAborted);
        }

        await using var unit = await dialect.BeginWriteUnitAsync(http.RequestAborted);
        try
        {
            await using var insert = SqlCommands.Create(unit.Connection, unit.Transaction,
                "INSERT INTO drug_master_versions (version, published_on, loaded_at, loaded_by, products, price_list) VALUES (@p0, @p1, @p2, @p3, @p4, @p5)",
                version, PrescriptionStore.Day(published), SqlTime.ToMicros(clock.Now), caller.Subject, master.Count, packed.ToArray());
            await insert.ExecuteNonQueryAsync(http.RequestAborted);
            await unit.CommitAsync(http.RequestAborted);
        }
        catch (System.Data.Common.DbException e) when (dialect.IsUniqueViolation(e))
        {
            throw FhirException.Conflict($"A drug master version '{version}' was loaded before; versions are never replaced — name the new list differently.");
        }

        masters.Use(master);
        return PrescriptionEndpoints.Json(new JsonObject { ["version"] = master.Version, ["publishedOn"] = PrescriptionStore.Day(published), ["products"] = master.Count }, StatusCodes.Status201Created);
    }

    private static async Task<IResult> AddCrlAsync(HttpContext http, PrescriptionSignatures signatures)
    {
        RequireOperator(http.Caller());
        var der = await JsonBodies.ReadBytesAsync(http, MaxCrlBytes, json: false);
        var added = await signatures.AddCrlAsync(der, http.RequestAborted);
        return PrescriptionEndpoints.Json(new JsonObject { ["issuer"] = added.Issuer, ["thisUpdate"] = added.ThisUpdate.ToString("O"), ["revoked"] = added.Revoked }, StatusCodes.Status201Created);
    }

    /// <summary>The operator's staff (or its system) maintain what every institution relies on.</summary>
    private static void RequireOperator(AccessContext caller)
    {
        if (caller.Role != KnownRoles.System && caller.OrganizationKind != KnownOrganizationKinds.Operator)
        {
            throw FhirException.Forbidden("The drug master and the HPKI revocation lists are maintained by the platform's operator.");
        }
    }

    private static string Institution(AccessContext caller) =>
        PrescriptionAccess.Institution(caller, "Prescription settings belong to a medical institution or pharmacy.");
}

using System.Reflection;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// The schema of one module of a server built on the engine — a shared platform, a service —
/// as versioned scripts embedded in <see cref="Assembly"/> under
/// <c>Migrations/{dialect name}/NNNN_description.sql</c> (e.g. <c>Migrations/Sqlite/0005_eligibility.sql</c>).
/// Versions are numbered within the module; the database records every applied script by
/// (<see cref="Name"/>, version), so a module adds tables without knowing any other module's numbers.
/// </summary>
/// <param name="Name">Lower-case and stable: it is stored with every applied version.</param>
/// <param name="Assembly">The assembly whose embedded resources hold the scripts.</param>
public sealed record SchemaModule(string Name, Assembly Assembly)
{
    /// <summary>The engine's own schema (resources, search indexes, jobs), shipped by each dialect's assembly.</summary>
    public const string EngineName = "fhir";

    public string Name { get; } = Name.Length > 0 && Name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && Name != EngineName
        ? Name
        : throw new ArgumentException($"'{Name}' is not a module name: lower-case letters, digits and '-', and not '{EngineName}'.", nameof(Name));
}

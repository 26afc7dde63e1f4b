using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Conformance;

/// <summary>A SQLite server whose validation on write only warns: every example, even a deliberately invalid one, is stored.</summary>
public sealed class SqliteWarnServerFixture : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } =
        new Dictionary<string, string?> { ["Kakehashi:Validation:DeclaredProfile"] = "Warn" };
}

/// <summary>The PostgreSQL twin of <see cref="SqliteWarnServerFixture"/>, on a fresh database of the ./test.sh cluster.</summary>
public sealed class PostgresWarnServerFixture : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } =
        new Dictionary<string, string?> { ["Kakehashi:Validation:DeclaredProfile"] = "Warn" };
}

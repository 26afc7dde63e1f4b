using System.Net;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>Signed paging cursors, _total modes and the 400s a tampered cursor must produce.</summary>
public abstract class PagingContract(ServerFixture server) : SearchTestBase(server)
{
    private async Task<List<string>> CreatePatientsAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await CreateAsync(Patient("Cursor" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture))));
        }

        return ids;
    }

    [Fact]
    public async Task NextAndPreviousLinks_AreOpaqueCursors_ThatWalkTheResult()
    {
        var ids = await CreatePatientsAsync(5);

        var first = await SearchAsync("Patient?_count=2&_sort=family");
        var next = Link(first, "next")!;
        Assert.Contains("_cursor=", next, StringComparison.Ordinal);
        Assert.DoesNotContain("_offset", next, StringComparison.Ordinal);

        var second = await (await Client.GetAsync(next)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ids[2..4], MatchIdsInOrder(second));
        var previous = await (await Client.GetAsync(Link(second, "previous")!)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ids[..2], MatchIdsInOrder(previous));
    }

    [Fact]
    public async Task TamperedCursor_Is400_NeverA500()
    {
        await CreatePatientsAsync(3);
        var next = Link(await SearchAsync("Patient?_count=1&_sort=family"), "next")!;
        var cursor = next[(next.IndexOf("_cursor=", StringComparison.Ordinal) + 8)..].Split('&')[0];
        var flipped = (cursor[5] == 'A' ? 'B' : 'A') + "";
        var tampered = next.Replace(cursor, cursor[..5] + flipped + cursor[6..], StringComparison.Ordinal);

        await ExpectBadRequestAsync(tampered, "cursor");
        await ExpectBadRequestAsync($"Patient?_cursor=garbage&{Mine}", "cursor");
        await ExpectBadRequestAsync($"Patient?_cursor=%00%FF&{Mine}", "cursor");
        await ExpectBadRequestAsync($"Patient?_cursor={new string('A', 5000)}&{Mine}", "cursor");
    }

    [Fact]
    public async Task CursorFromAnotherQuery_Is400()
    {
        await CreatePatientsAsync(3);
        var next = Link(await SearchAsync("Patient?_count=1&_sort=family"), "next")!;
        var cursor = next[(next.IndexOf("_cursor=", StringComparison.Ordinal) + 8)..].Split('&')[0];

        await ExpectBadRequestAsync($"Patient?_count=1&_sort=-family&_cursor={cursor}&{Mine}", "different search");
    }

    [Fact]
    public async Task TotalEstimate_IsReported()
    {
        await CreatePatientsAsync(3);

        var bundle = await SearchAsync("Patient?_total=estimate&_count=1");
        Assert.Equal(3, (int?)bundle["total"]);
    }

    [Fact]
    public async Task ValueSetModifier_WithUnknownValueSet_Is400()
    {
        await ExpectBadRequestAsync($"Condition?code:in=http://example.org/ValueSet/unknown&{Mine}", "in");
    }

    [Fact]
    public async Task SystemSearch_ByPost_Works()
    {
        var id = await CreateAsync(Patient("SysPost"));
        using var form = new FormUrlEncodedContent([new("_type", "Patient"), new("_tag", TagSystem + "|" + Tag)]);
        var bundle = await (await Client.PostAsync("_search", form)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([id], MatchIds(bundle));
    }

    private static string[] MatchIdsInOrder(System.Text.Json.Nodes.JsonNode bundle) =>
        [.. Entries(bundle).Select(e => (string)e["resource"]!["id"]!)];
}

public sealed class SqlitePagingTests(SqliteServerFixture server) : PagingContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresPagingTests(PostgresServerFixture server) : PagingContract(server), IClassFixture<PostgresServerFixture>;

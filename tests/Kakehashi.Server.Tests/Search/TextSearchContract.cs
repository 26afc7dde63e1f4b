using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>
/// <c>_text</c> (the narrative) and <c>_content</c> (all string content), R4 search §3.1.1.4.5:
/// every word of a value must occur, folded like string search; commas separate alternatives.
/// </summary>
public abstract class TextSearchContract(ServerFixture server) : SearchTestBase(server)
{
    private static string Condition(string text, string? narrative = null, string note = "") =>
        $$"""
        {"resourceType":"Condition",{{(narrative is null ? "" : $"\"text\":{{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">{narrative}</div>\"}},")}}
         "code":{"coding":[{"system":"urn:kakehashi:test","code":"c1","display":"Code display"}],"text":"{{text}}"},
         "subject":{"reference":"Patient/x"}{{(note.Length == 0 ? "" : $",\"note\":[{{\"text\":\"{note}\"}}]")}}}
        """;

    [Fact]
    public async Task Text_SearchesTheNarrativeOnly()
    {
        var narrated = await CreateAsync(Condition("Hypertension", narrative: "Patient reports <b>headache</b> &amp; dizziness"));
        var coded = await CreateAsync(Condition("Headache"));

        await ExpectAsync("Condition?_text=headache", narrated);
        await ExpectAsync("Condition?_text=DIZZINESS headache", narrated);
        await ExpectAsync("Condition?_text=headache nausea");
        await ExpectAsync("Condition?_content=headache", narrated, coded);
        await ExpectAsync("Condition?_text=xmlns");
    }

    [Fact]
    public async Task Content_FindsAnyStringElement_FoldedLikeStringSearch()
    {
        var japanese = await CreateAsync(Condition("2型糖尿病", note: "ｲﾝｽﾘﾝ導入を検討"));
        var english = await CreateAsync(Condition("Acute bronchitis", note: "Café visit"));

        await ExpectAsync("Condition?_content=糖尿", japanese);
        await ExpectAsync("Condition?_content=インスリン", japanese);
        await ExpectAsync("Condition?_content=cafe bronch", english);
        await ExpectAsync("Condition?_content=code display", japanese, english);
        await ExpectAsync("Condition?_content=糖尿,bronchitis", japanese, english);
        await ExpectAsync("Condition?_content=urn:kakehashi");
    }

    [Fact]
    public async Task Content_CombinesWithOtherParameters_AndRejectsModifiersAndSorting()
    {
        var a = await CreateAsync(Condition("Asthma", note: "seasonal"));
        await CreateAsync(Condition("Asthma"));

        await ExpectAsync("Condition?code=urn:kakehashi:test|c1&_content=asthma seasonal", a);
        await ExpectBadRequestAsync("Condition?_content:exact=asthma", "_content:exact");
        await ExpectBadRequestAsync("Condition?_text:missing=true", "_text:missing");
        await ExpectBadRequestAsync("Condition?_sort=_content", "_content");
    }
}

public sealed class SqliteTextSearchTests(SqliteServerFixture server) : TextSearchContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresTextSearchTests(PostgresServerFixture server) : TextSearchContract(server), IClassFixture<PostgresServerFixture>;

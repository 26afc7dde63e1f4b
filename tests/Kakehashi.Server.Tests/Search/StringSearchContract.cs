using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>String parameters (R4 search §3.1.1.5.2x "string"): prefix match by default, folded for case, accents, width and kana.</summary>
public abstract class StringSearchContract(ServerFixture server) : SearchTestBase(server)
{
    [Fact]
    public async Task String_Default_MatchesPrefixCaseInsensitively()
    {
        var smith = await CreateAsync(Patient("Smithson"));
        await CreateAsync(Patient("Goldsmith"));

        await ExpectAsync("Patient?family=smith", smith);
        await ExpectAsync("Patient?family=SMITHSON", smith);
    }

    [Fact]
    public async Task String_KanaAndWidthVariants_AllFindTheSamePatient()
    {
        var katakana = await CreateAsync(Patient("ヤマダ"));
        var hiragana = await CreateAsync(Patient("やまだ"));
        var halfWidth = await CreateAsync(Patient("ﾔﾏﾀﾞ"));
        await CreateAsync(Patient("ヤマモト"));

        foreach (var query in new[] { "ﾔﾏﾀﾞ", "ヤマダ", "やまだ", "%EF%BE%94%EF%BE%8F%EF%BE%80%EF%BE%9E" })
        {
            await ExpectAsync("Patient?family=" + query, katakana, hiragana, halfWidth);
        }
    }

    [Fact]
    public async Task String_Accents_AreIgnored()
    {
        var jose = await CreateAsync(Patient("José"));

        await ExpectAsync("Patient?family=jose", jose);
        await ExpectAsync("Patient?family=JOSÉ", jose);
    }

    [Fact]
    public async Task String_Exact_MatchesWholeValueCaseAndAccentSensitively()
    {
        var exact = await CreateAsync(Patient("José"));
        await CreateAsync(Patient("Josétte"));
        await CreateAsync(Patient("jose"));

        await ExpectAsync("Patient?family:exact=José", exact);
        await ExpectAsync("Patient?family:exact=Jos");
    }

    [Fact]
    public async Task String_Contains_MatchesAnywhere()
    {
        var gold = await CreateAsync(Patient("Goldsmith"));
        var smith = await CreateAsync(Patient("Smith"));
        await CreateAsync(Patient("Jones"));

        await ExpectAsync("Patient?family:contains=SMI", gold, smith);
        await ExpectAsync("Patient?name:contains=ldsm", gold);
    }

    [Fact]
    public async Task String_CommaSeparatedValues_AreOr_AndRepeatedParametersAreAnd()
    {
        var taro = await CreateAsync(Patient("山田", "太郎"));
        var hanako = await CreateAsync(Patient("山田", "花子"));
        var suzuki = await CreateAsync(Patient("鈴木", "太郎"));

        await ExpectAsync("Patient?family=山田,鈴木", taro, hanako, suzuki);
        await ExpectAsync("Patient?family=山田&given=太郎", taro);
        await ExpectAsync("Patient?name=山田&name=花子", hanako);
    }

    [Fact]
    public async Task String_EscapedComma_IsPartOfTheValue()
    {
        var comma = await CreateAsync(Patient("a,b"));
        await CreateAsync(Patient("a"));

        await ExpectAsync("Patient?family:exact=a\\,b", comma);
    }

    [Fact]
    public async Task String_NameMatchesAnyPartOfHumanName()
    {
        var id = await CreateAsync("""{"resourceType":"Patient","name":[{"family":"Tanaka","given":["Ichiro"],"prefix":["Dr"]}]}""");

        await ExpectAsync("Patient?name=ichi", id);
        await ExpectAsync("Patient?name=tana", id);
        await ExpectAsync("Patient?name=dr", id);
    }

    [Fact]
    public async Task String_AddressParts_AreSearchable()
    {
        var tokyo = await CreateAsync("""{"resourceType":"Patient","address":[{"city":"千代田区","state":"東京都","postalCode":"100-0001","line":["千代田1-1"]}]}""");
        await CreateAsync("""{"resourceType":"Patient","address":[{"city":"大阪市","state":"大阪府"}]}""");

        await ExpectAsync("Patient?address-state=東京", tokyo);
        await ExpectAsync("Patient?address=千代田", tokyo);
        await ExpectAsync("Patient?address-postalcode=100", tokyo);
    }

    [Fact]
    public async Task String_Missing_SelectsByPresence()
    {
        var named = await CreateAsync(Patient("Named"));
        var unnamed = await CreateAsync("""{"resourceType":"Patient","gender":"female"}""");

        await ExpectAsync("Patient?family:missing=true", unnamed);
        await ExpectAsync("Patient?family:missing=false", named);
    }

    [Fact]
    public async Task String_WildcardCharacters_AreMatchedLiterally()
    {
        var percent = await CreateAsync(Patient("100%"));
        var underscore = await CreateAsync(Patient("a_b"));
        await CreateAsync(Patient("100x"));
        await CreateAsync(Patient("axb"));

        await ExpectAsync("Patient?family=100%25", percent);
        await ExpectAsync("Patient?family=a_", underscore);
    }

    [Fact]
    public async Task String_UnknownModifier_Is400()
    {
        await ExpectBadRequestAsync("Patient?family:below=x", "family:below");
    }
}

public sealed class SqliteStringSearchTests(SqliteServerFixture server) : StringSearchContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresStringSearchTests(PostgresServerFixture server) : StringSearchContract(server), IClassFixture<PostgresServerFixture>;

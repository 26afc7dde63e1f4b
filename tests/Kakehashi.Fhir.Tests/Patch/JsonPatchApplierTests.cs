using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Patch;

namespace Kakehashi.Fhir.Tests.Patch;

public sealed class JsonPatchApplierTests
{
    private static JsonNode Json(string text) => JsonNode.Parse(text)!;

    private static JsonNode Apply(string target, string patch) => JsonPatchApplier.Apply(Json(target), Json(patch));

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(Json(expected), actual), $"Expected {expected} but got {actual.ToJsonString()}");

    private static FhirException AssertFails(HttpStatusCode status, string target, string patch)
    {
        var error = Assert.Throws<FhirException>(() => Apply(target, patch));
        Assert.Equal(status, error.Status);
        return error;
    }

    [Fact]
    public void Apply_AddObjectMember_AddsMember()
    {
        var result = Apply("""{"a":1}""", """[{"op":"add","path":"/b","value":{"c":[1,2]}}]""");
        AssertJson("""{"a":1,"b":{"c":[1,2]}}""", result);
    }

    [Fact]
    public void Apply_AddExistingObjectMember_ReplacesIt()
    {
        var result = Apply("""{"a":1}""", """[{"op":"add","path":"/a","value":2}]""");
        AssertJson("""{"a":2}""", result);
    }

    [Fact]
    public void Apply_AddAtArrayIndex_InsertsBeforeThatIndex()
    {
        var result = Apply("""{"a":[1,3]}""", """[{"op":"add","path":"/a/1","value":2}]""");
        AssertJson("""{"a":[1,2,3]}""", result);
    }

    [Fact]
    public void Apply_AddAtArrayDash_AppendsToArray()
    {
        var result = Apply("""{"a":[1]}""", """[{"op":"add","path":"/a/-","value":2}]""");
        AssertJson("""{"a":[1,2]}""", result);
    }

    [Fact]
    public void Apply_AddAtIndexEqualToLength_AppendsToArray()
    {
        var result = Apply("""{"a":[1]}""", """[{"op":"add","path":"/a/1","value":2}]""");
        AssertJson("""{"a":[1,2]}""", result);
    }

    [Fact]
    public void Apply_AddNullValue_AddsJsonNull()
    {
        var result = Apply("""{}""", """[{"op":"add","path":"/a","value":null}]""");
        AssertJson("""{"a":null}""", result);
    }

    [Fact]
    public void Apply_AddAtRoot_ReplacesWholeDocument()
    {
        var result = Apply("""{"a":1}""", """[{"op":"add","path":"","value":[1]}]""");
        AssertJson("""[1]""", result);
    }

    [Theory]
    [InlineData("/a/3")]
    [InlineData("/a/01")]
    [InlineData("/a/x")]
    [InlineData("/missing/child")]
    public void Apply_AddToBadLocation_ThrowsUnprocessable(string path)
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, """{"a":[1,2]}""", $$"""[{"op":"add","path":"{{path}}","value":0}]""");
    }

    [Fact]
    public void Apply_RemoveObjectMember_RemovesIt()
    {
        var result = Apply("""{"a":1,"b":2}""", """[{"op":"remove","path":"/a"}]""");
        AssertJson("""{"b":2}""", result);
    }

    [Fact]
    public void Apply_RemoveArrayItem_ShiftsFollowingItems()
    {
        var result = Apply("""[1,2,3]""", """[{"op":"remove","path":"/1"}]""");
        AssertJson("""[1,3]""", result);
    }

    [Theory]
    [InlineData("/b")]
    [InlineData("/a/2")]
    [InlineData("/a/-")]
    [InlineData("")]
    public void Apply_RemoveMissingTarget_ThrowsUnprocessable(string path)
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, """{"a":[1,2]}""", $$"""[{"op":"remove","path":"{{path}}"}]""");
    }

    [Fact]
    public void Apply_ReplaceExistingValue_ReplacesIt()
    {
        var result = Apply("""{"a":{"b":1},"c":[1,2]}""", """[{"op":"replace","path":"/a/b","value":"x"},{"op":"replace","path":"/c/0","value":9}]""");
        AssertJson("""{"a":{"b":"x"},"c":[9,2]}""", result);
    }

    [Fact]
    public void Apply_ReplaceMissingMember_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, """{"a":1}""", """[{"op":"replace","path":"/b","value":2}]""");
    }

    [Fact]
    public void Apply_ReplaceRoot_ReplacesWholeDocument()
    {
        var result = Apply("""{"a":1}""", """[{"op":"replace","path":"","value":{"b":2}}]""");
        AssertJson("""{"b":2}""", result);
    }

    [Fact]
    public void Apply_Move_RemovesFromSourceAndAddsAtPath()
    {
        var result = Apply("""{"a":{"x":1},"b":{}}""", """[{"op":"move","from":"/a/x","path":"/b/y"}]""");
        AssertJson("""{"a":{},"b":{"y":1}}""", result);
    }

    [Fact]
    public void Apply_MoveWithinArray_Reorders()
    {
        var result = Apply("""[1,2,3,4]""", """[{"op":"move","from":"/1","path":"/3"}]""");
        AssertJson("""[1,3,4,2]""", result);
    }

    [Fact]
    public void Apply_MoveIntoOwnChild_ThrowsBadRequest()
    {
        AssertFails(HttpStatusCode.BadRequest, """{"a":{"b":{}}}""", """[{"op":"move","from":"/a","path":"/a/b/c"}]""");
    }

    [Fact]
    public void Apply_MoveFromMissingPath_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, """{"a":1}""", """[{"op":"move","from":"/x","path":"/y"}]""");
    }

    [Fact]
    public void Apply_Copy_AddsIndependentCopy()
    {
        var result = Apply(
            """{"a":{"x":[1]}}""",
            """[{"op":"copy","from":"/a","path":"/b"},{"op":"add","path":"/b/x/-","value":2}]""");
        AssertJson("""{"a":{"x":[1]},"b":{"x":[1,2]}}""", result);
    }

    [Fact]
    public void Apply_TestOpMatches_ContinuesWithNextOperation()
    {
        var result = Apply(
            """{"a":{"b":[1,"x",null]}}""",
            """[{"op":"test","path":"/a","value":{"b":[1,"x",null]}},{"op":"add","path":"/c","value":true}]""");
        AssertJson("""{"a":{"b":[1,"x",null]},"c":true}""", result);
    }

    [Fact]
    public void Apply_TestOp_ComparesNumbersByValueAndIgnoresMemberOrder()
    {
        var result = Apply("""{"a":{"n":1,"m":2}}""", """[{"op":"test","path":"/a","value":{"m":2.0,"n":1}}]""");
        AssertJson("""{"a":{"n":1,"m":2}}""", result);
    }

    [Fact]
    public void Apply_TestOpOnMissingPath_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, """{"a":1}""", """[{"op":"test","path":"/b","value":null}]""");
    }

    [Fact]
    public void Apply_TestOpFails_ThrowsUnprocessableAndLeavesInputUntouched()
    {
        var target = Json("""{"version":"1","name":"old"}""");
        var patch = Json("""
            [
              {"op":"replace","path":"/name","value":"new"},
              {"op":"test","path":"/version","value":"2"}
            ]
            """);

        var error = Assert.Throws<FhirException>(() => JsonPatchApplier.Apply(target, patch));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("operation 1 (test)", error.Message, StringComparison.Ordinal);
        AssertJson("""{"version":"1","name":"old"}""", target);
    }

    [Fact]
    public void Apply_Success_DoesNotModifyInputOrShareNodesWithPatch()
    {
        var target = Json("""{"a":1}""");
        var patch = Json("""[{"op":"add","path":"/b","value":{"c":1}}]""");

        var result = JsonPatchApplier.Apply(target, patch);
        result["b"]!["c"] = 2;

        AssertJson("""{"a":1}""", target);
        AssertJson("""[{"op":"add","path":"/b","value":{"c":1}}]""", patch);
    }

    [Fact]
    public void Apply_PointerEscapes_AddressMembersWithSlashAndTilde()
    {
        var result = Apply(
            """{"a/b":1,"m~n":2,"~1":3}""",
            """
            [
              {"op":"replace","path":"/a~1b","value":10},
              {"op":"replace","path":"/m~0n","value":20},
              {"op":"replace","path":"/~01","value":30}
            ]
            """);
        AssertJson("""{"a/b":10,"m~n":20,"~1":30}""", result);
    }

    [Fact]
    public void Apply_EmptyTokenPointer_AddressesEmptyMemberName()
    {
        var result = Apply("""{"":1}""", """[{"op":"test","path":"/","value":1}]""");
        AssertJson("""{"":1}""", result);
    }

    [Theory]
    [InlineData("""{"op":"add","path":"/a"}""")]
    [InlineData("""{"op":"replace","path":"/a"}""")]
    [InlineData("""{"op":"test","path":"/a"}""")]
    [InlineData("""{"op":"move","path":"/a"}""")]
    [InlineData("""{"op":"copy","path":"/a"}""")]
    [InlineData("""{"op":"remove"}""")]
    [InlineData("""{"path":"/a"}""")]
    [InlineData("""{"op":"frobnicate","path":"/a"}""")]
    [InlineData("""{"op":1,"path":"/a"}""")]
    [InlineData("""{"op":"remove","path":"a"}""")]
    [InlineData("""{"op":"remove","path":"/a~2"}""")]
    [InlineData("""{"op":"remove","path":"/a~"}""")]
    [InlineData("""{"op":"copy","from":"x","path":"/a"}""")]
    [InlineData("""42""")]
    public void Apply_MalformedOperation_ThrowsBadRequest(string operation)
    {
        AssertFails(HttpStatusCode.BadRequest, """{"a":1}""", $"[{operation}]");
    }

    [Theory]
    [InlineData("""{"op":"add","path":"/a","value":1}""")]
    [InlineData("""null""")]
    [InlineData("""  "text" """)]
    public void Apply_DocumentNotAnArray_ThrowsBadRequest(string patch)
    {
        var error = Assert.Throws<FhirException>(() => JsonPatchApplier.Apply(Json("{}"), JsonNode.Parse(patch)!));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
    }

    [Fact]
    public void Apply_MalformedLaterOperation_AppliesNothing()
    {
        var target = Json("""{"a":1}""");
        var patch = Json("""[{"op":"remove","path":"/a"},{"op":"add","path":"/b"}]""");

        Assert.Throws<FhirException>(() => JsonPatchApplier.Apply(target, patch));
        AssertJson("""{"a":1}""", target);
    }

    [Fact]
    public void Apply_EmptyPatch_ReturnsEqualCopy()
    {
        var target = Json("""{"a":[1]}""");
        var result = JsonPatchApplier.Apply(target, Json("[]"));
        Assert.NotSame(target, result);
        AssertJson("""{"a":[1]}""", result);
    }

    [Fact]
    public void Apply_PathThroughPrimitive_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, """{"a":1}""", """[{"op":"add","path":"/a/b","value":1}]""");
    }
}

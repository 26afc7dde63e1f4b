using System.Text.Json.Serialization.Metadata;

namespace Kakehashi.Platform.Endpoints;

/// <summary>
/// A compact JSON answer returned rather than written: the access filter records its audit row
/// after the handler returns and before this writes the body.
/// </summary>
public sealed class JsonBodyResult<T>(T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public Task ExecuteAsync(HttpContext httpContext) => JsonBodies.WriteAsync(httpContext, value, type, status);
}

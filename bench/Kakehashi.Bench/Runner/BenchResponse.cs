namespace Kakehashi.Bench.Runner;

/// <summary>A response as the scenarios see it: status, body bytes and the Location header.</summary>
public sealed record BenchResponse(int Status, byte[] Body, string? Location)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The logical id from a Location such as <c>…/Patient/123/_history/1</c>.</summary>
    public string? LocationId
    {
        get
        {
            if (Location is null)
            {
                return null;
            }

            var parts = Location.Split('/');
            var history = Array.IndexOf(parts, "_history");
            return history > 0 ? parts[history - 1] : parts[^1];
        }
    }
}

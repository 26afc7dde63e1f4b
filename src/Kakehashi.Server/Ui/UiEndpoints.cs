namespace Kakehashi.Server.Ui;

/// <summary>
/// Serves the staff UI at <c>/ui/</c> with headers that keep it from being framed, from running
/// any script that is not one of its own files, and from leaking the sign-in code in a referrer.
/// </summary>
public static class UiEndpoints
{
    public const string BasePath = "/ui/";

    /// <summary>No inline script or style, no other origin, no framing (docs/ui.md).</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void MapUiEndpoints(this WebApplication app, UiFiles files)
    {
        app.MapGet("/", () => Results.Redirect(BasePath));
        // Routing ignores a trailing slash: "/ui" lands here too, and goes on to "/ui/" so that relative paths work.
        app.MapGet(BasePath + "{**path}", (HttpContext http, string? path) =>
            http.Request.Path.Value == "/ui" ? Results.Redirect(BasePath) : Serve(http, files.Find(path)));
    }

    private static IResult Serve(HttpContext http, UiFile? file)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (file is null)
        {
            return Results.NotFound();
        }

        // Revalidated on every load, so a new server version is picked up at once.
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        if (http.Request.Headers.IfNoneMatch.Contains(file.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(file.Content, file.ContentType);
    }
}

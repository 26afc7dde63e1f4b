namespace Kakehashi.Server.Ui;

/// <summary>
/// Serves the web apps — the staff workspace at <c>/ui/</c>, the patient portal at
/// <c>/portal/</c> — with headers that keep them from being framed, from running any script that
/// is not one of their own files, and from leaking the sign-in code in a referrer. Both apps'
/// files (bundles, stylesheet) are served under <c>/ui/</c>.
/// </summary>
public static class UiEndpoints
{
    public const string BasePath = "/ui/";

    public const string PortalPath = "/portal/";

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
        app.MapGet(PortalPath + "{**path}", (HttpContext http, string? path) =>
            http.Request.Path.Value == "/portal" ? Results.Redirect(PortalPath) : Serve(http, files.FindPortal(path)));
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

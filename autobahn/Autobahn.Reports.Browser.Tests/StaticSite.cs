using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>A folder served as static files by Kestrel on 127.0.0.1 and a free port, as GitHub Pages serves the site:
/// a folder's index.html for the folder, a missing file 404.</summary>
public sealed class StaticSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticSite(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    /// <summary>http://127.0.0.1:PORT/, the folder's root.</summary>
    public Uri Root { get; }

    public static async Task<StaticSite> StartAsync(string folder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        var app = builder.Build();
        var files = new PhysicalFileProvider(folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        // A page of its own for a missing file, as GitHub Pages has: Chromium turns a 404 without a body into a
        // navigation error, and the checks want the status.
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return context.Response.WriteAsync($"<!DOCTYPE html><title>404</title><h1>404: {System.Net.WebUtility.HtmlEncode(context.Request.Path)} is not in the site</h1>");
        });
        await app.StartAsync().WaitAsync(Chromium.Step);
        return new StaticSite(app, new Uri(app.Urls.Single()));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(Chromium.Step);
        await _app.DisposeAsync();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Dashboard;

public sealed partial class DashboardEndpointTests : IDisposable
{
    private readonly BreachNotifyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private HttpClient Anonymous() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static void AssertSecurityHeaders(HttpResponseMessage res)
    {
        var csp = res.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", res.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", res.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", res.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task The_dashboard_is_served_without_a_key_with_strict_security_headers()
    {
        var res = await Anonymous().GetAsync("/api/ui/");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/html", res.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(res);
        var html = await res.Content.ReadAsStringAsync();
        Assert.Contains("<title>BreachNotify</title>", html);
    }

    [Fact]
    public async Task Missing_assets_are_404_with_the_same_headers_and_api_ui_redirects_to_the_folder()
    {
        var missing = await Anonymous().GetAsync("/api/ui/nope.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertSecurityHeaders(missing);
        var bare = await Anonymous().GetAsync("/api/ui");
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/api/ui/", bare.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Assets_revalidate_with_their_etag()
    {
        var client = Anonymous();
        var first = await client.GetAsync("/api/ui/app.js");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/javascript", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
        var again = new HttpRequestMessage(HttpMethod.Get, "/api/ui/app.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    /// <summary>
    /// Walks index.html and every module it imports: no inline script (CSP forbids it), and every file referenced
    /// is embedded and served with a fitting content type — a missing EmbeddedResource would break the page.
    /// </summary>
    [Fact]
    public async Task Every_asset_the_page_references_is_served_and_no_script_is_inline()
    {
        var client = Anonymous();
        var html = await client.GetStringAsync("/api/ui/");
        foreach (Match script in ScriptTag().Matches(html))
            Assert.Contains("src=", script.Value);
        Assert.DoesNotMatch(InlineHandler(), html);

        var pending = new Queue<string>(HtmlReference().Matches(html).Select(m => m.Groups[1].Value).Where(v => !v.StartsWith('#')));
        var seen = new HashSet<string>();
        while (pending.TryDequeue(out var relative))
        {
            var path = new Uri(new Uri("http://x/api/ui/"), relative).AbsolutePath;
            if (!seen.Add(path)) continue;
            var res = await client.GetAsync(path);
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)res.StatusCode}");
            if (!path.EndsWith(".js", StringComparison.Ordinal)) continue;
            Assert.Equal("text/javascript", res.Content.Headers.ContentType?.MediaType);
            var js = await res.Content.ReadAsStringAsync();
            Assert.DoesNotMatch(MarkupSink(), js); // API data goes in as text, never as markup
            foreach (Match import in ModuleImport().Matches(js))
                pending.Enqueue(new Uri(new Uri("http://x" + path), import.Groups[1].Value).AbsolutePath);
        }
        Assert.Contains("/api/ui/pages/detail.js", seen);
        Assert.Contains("/api/ui/app.css", seen);
    }

    [Fact]
    public async Task Readiness_stays_json_for_tools_and_sends_a_browser_to_the_dashboard_standalone()
    {
        var client = Anonymous();
        var json = await Body(await client.GetAsync("/"), HttpStatusCode.OK);
        Assert.Equal("ok", json.GetProperty("status").GetString());
        var browser = new HttpRequestMessage(HttpMethod.Get, "/");
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var res = await client.SendAsync(browser);
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal("/api/ui/", res.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData(BreachNotifyFactory.ViewerKey, "vera", "viewer", new[] { "read" })]
    [InlineData(BreachNotifyFactory.ReporterKey, "sam", "reporter", new[] { "read", "report" })]
    [InlineData(BreachNotifyFactory.DpoKey, "dana", "dpo", new[] { "read", "report", "dpo" })]
    public async Task Whoami_tells_the_role_its_permissions_and_the_organisation_zone(string key, string name, string role, string[] permissions)
    {
        var body = await Body(await _factory.ClientFor(key).GetAsync("/api/whoami"), HttpStatusCode.OK);
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal(role, body.GetProperty("role").GetString());
        Assert.Equal(permissions, body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToArray());
        Assert.Equal("Europe/Amsterdam", body.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task Whoami_needs_a_key()
        => await Problem(await _factory.ClientFor(null).GetAsync("/api/whoami"), HttpStatusCode.Unauthorized);

    [Fact]
    public async Task The_configured_time_zone_is_reported()
    {
        using var factory = new BreachNotifyFactory();
        factory.Settings["Organisation:TimeZone"] = "Europe/Dublin";
        var body = await Body(await factory.Viewer().GetAsync("/api/whoami"), HttpStatusCode.OK);
        Assert.Equal("Europe/Dublin", body.GetProperty("timeZone").GetString());
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    public void An_unknown_time_zone_stops_the_start(string zone)
    {
        using var factory = new BreachNotifyFactory();
        factory.Settings["Organisation:TimeZone"] = zone;
        var ex = Assert.IsAssignableFrom<Exception>(factory.StartupFailure());
        Assert.Contains("Organisation:TimeZone", (ex as OptionsValidationException ?? ex.InnerException as OptionsValidationException ?? throw ex).Message);
    }

    [GeneratedRegex("\\.(?:inner|outer)HTML\\s*=|insertAdjacentHTML|document\\.write|\\beval\\(|new Function\\(")]
    private static partial Regex MarkupSink();

    [GeneratedRegex("<script\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("\\son[a-z]+\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();

    [GeneratedRegex("(?:src|href)=\"([^\"]+)\"")]
    private static partial Regex HtmlReference();

    [GeneratedRegex("(?:import|from)\\s*(?:\\(\\s*)?'(\\.{1,2}/[^']+)'")]
    private static partial Regex ModuleImport();
}

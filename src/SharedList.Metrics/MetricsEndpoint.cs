using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using SocketServer;

namespace SharedList.Metrics;

/// <summary>
/// The metrics endpoint over HTTP: <c>/metrics</c> in the Prometheus text format (OpenTelemetry's exporter, over
/// both meters, <see cref="ServerMetrics.MeterName"/> and <see cref="ListMetrics.MeterName"/>), the status page at
/// <c>/</c> and its data at <c>/status.json</c>.
/// </summary>
/// <remarks>Start it with <see cref="StartAsync"/>; dispose it to stop. Its logs go nowhere: the server's own log is the operator's.</remarks>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StatusSampler _sampler;

    private MetricsEndpoint(WebApplication app, StatusSampler sampler, Uri address)
    {
        _app = app;
        _sampler = sampler;
        Address = address;
    }

    /// <summary>The bound address, as <c>http://127.0.0.1:9464/</c>: the real port when 0 was asked for.</summary>
    public Uri Address { get; }

    /// <summary>Binds <paramref name="host"/>:<paramref name="port"/> (0 picks a free port) and starts serving.</summary>
    /// <exception cref="IOException">The address cannot be bound (in use, say).</exception>
    public static async Task<MetricsEndpoint> StartAsync(IPAddress host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(host, port));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServerMetrics.MeterName, ListMetrics.MeterName)
            .AddPrometheusExporter());

        var app = builder.Build();
        var sampler = new StatusSampler();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/", () => Results.Content(StatusPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/status.json", () => Results.Json(sampler.Report(), StatusJsonContext.Default.StatusReport));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            sampler.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MetricsEndpoint(app, sampler, new Uri(new Uri(bound), "/"));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _sampler.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

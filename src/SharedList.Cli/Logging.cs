using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace SharedList.Cli;

/// <summary>One place that sets up logs: single lines on stderr, so stdout carries only what scripts read.</summary>
internal static class Logging
{
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(builder =>
    {
        builder
            .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information)
            .AddConsole(options =>
            {
                options.FormatterName = ServeConsoleFormatter.FormatterName;
                options.LogToStandardErrorThreshold = LogLevel.Trace;
            });

        // The formatter is made here rather than by AddConsoleFormatter, which also binds its options from
        // configuration by reflection (IL2026, IL3050 in the native build); nothing configures logs that way.
        builder.Services.AddSingleton<ConsoleFormatter>(new ServeConsoleFormatter(Options.Create(new ServeConsoleFormatterOptions { Verbose = verbose })));
    });
}

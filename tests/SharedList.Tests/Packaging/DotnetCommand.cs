namespace SharedList.Tests.Packaging;

/// <summary>The SDK's own <c>dotnet</c> commands (pack, tool install) as child processes, run to the end.</summary>
internal static class DotnetCommand
{
    /// <summary>No first-run banner or telemetry: the output is the command's own.</summary>
    public static IReadOnlyDictionary<string, string> Quiet { get; } = new Dictionary<string, string>
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
    };

    public static async Task<ProcessRun> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        await using var process = CliProcess.StartProgram("dotnet", arguments, Quiet);
        return await process.RunToEndAsync(string.Empty, timeout);
    }
}

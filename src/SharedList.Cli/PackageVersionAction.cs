using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace SharedList.Cli;

/// <summary>
/// What <c>sharedlist --version</c> prints: the package version alone (<c>0.9.0</c>, Directory.Build.props).
/// The assembly's informational version also names the commit it was built from (<c>0.9.0+&lt;commit&gt;</c>),
/// which <c>bench</c> records to tell builds apart; a user asking for the version wants the release.
/// </summary>
internal sealed class PackageVersionAction : SynchronousCommandLineAction
{
    public static string Version { get; } = Of(typeof(PackageVersionAction).Assembly);

    /// <summary>The informational version without its build metadata (SemVer's <c>+…</c> part).</summary>
    public static string Of(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3)
            ?? "unknown";
        var metadata = informational.IndexOf('+', StringComparison.Ordinal);
        return metadata < 0 ? informational : informational[..metadata];
    }

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return 0;
    }
}

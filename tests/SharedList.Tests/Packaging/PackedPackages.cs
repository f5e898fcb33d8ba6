using SharedList.Cli;

namespace SharedList.Tests.Packaging;

/// <summary>
/// The two packages <c>dotnet pack</c> makes, packed once for the packaging tests from the build the tests run
/// on (<c>--no-build</c>, the tests' own configuration) into a temporary folder that is deleted afterwards.
/// Everything pack writes goes there: the feed, the tool's publish folder and the nuspec files.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    /// <summary>Packing two projects from a finished build takes seconds; this bounds a stuck one.</summary>
    public static readonly TimeSpan PackTimeout = TimeSpan.FromSeconds(90);

    private static readonly DirectoryInfo CliOutput = new(Path.GetDirectoryName(CliProcess.CliPath)!);

    /// <summary>The version every project is built with (Directory.Build.props), as the assemblies carry it.</summary>
    public static string Version { get; } = PackageVersionAction.Of(typeof(SocketServer.TcpServer).Assembly);

    /// <summary>The configuration the tests (and so the CLI next to them) were built in.</summary>
    public static string Configuration => CliOutput.Parent!.Name;

    /// <summary>src/SharedList.Cli/bin/&lt;configuration&gt;/&lt;tfm&gt; → the repository's root.</summary>
    public static string RepositoryRoot => CliOutput.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>The temporary folder that holds everything these tests write.</summary>
    public DirectoryInfo Root { get; } = Directory.CreateTempSubdirectory("sharedlist-packaging-");

    /// <summary>The local package source the packages are written to.</summary>
    public string Feed => Path.Combine(Root.FullName, "feed");

    public string ToolPackage => Path.Combine(Feed, $"SharedList.Tool.{Version}.nupkg");

    public string LibraryPackage => Path.Combine(Feed, $"SocketServer.{Version}.nupkg");

    public async ValueTask InitializeAsync()
    {
        string[] projects = ["src/SocketServer/SocketServer.csproj", "src/SharedList.Cli/SharedList.Cli.csproj"];
        foreach (var project in projects)
        {
            var run = await DotnetCommand.RunAsync(
                [
                    "pack", Path.Combine(RepositoryRoot, project), "-c", Configuration, "--no-build", "-o", Feed,
                    $"-p:PublishDir={Path.Combine(Root.FullName, "publish")}/",
                    $"-p:NuspecOutputPath={Path.Combine(Root.FullName, "nuspec")}/",
                ],
                PackTimeout);
            Assert.True(run.ExitCode == 0, $"dotnet pack {project} exited {run.ExitCode}:\n{string.Join('\n', run.Output)}\n{run.Error}");
        }
    }

    public ValueTask DisposeAsync()
    {
        Root.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}

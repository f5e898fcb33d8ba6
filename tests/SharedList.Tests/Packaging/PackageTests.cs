using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SharedList.Tests.Packaging;

/// <summary>
/// What <c>dotnet pack</c> makes: the <c>sharedlist</c> .NET tool, installed from its .nupkg into a temporary tool
/// path with no package source but the local folder and run from there; and the SocketServer library package.
/// </summary>
public sealed partial class PackageTests(PackedPackages packages) : IClassFixture<PackedPackages>
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    /// <summary>Installing extracts the package and writes the shim: seconds, offline.</summary>
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_tool_installs_from_its_nupkg_and_runs_version_serve_and_connect_from_the_tool_path()
    {
        Assert.True(File.Exists(packages.ToolPackage), $"no {Path.GetFileName(packages.ToolPackage)} in the feed");
        var toolPath = Path.Combine(packages.Root.FullName, "tools");

        // A config of its own that clears every other source: the install works offline, from the folder alone.
        var config = Path.Combine(packages.Root.FullName, "nuget.config");
        new XDocument(new XElement("configuration", new XElement("packageSources",
            new XElement("clear"),
            new XElement("add", new XAttribute("key", "local"), new XAttribute("value", packages.Feed))))).Save(config);
        var install = await DotnetCommand.RunAsync(
            ["tool", "install", "SharedList.Tool", "--version", PackedPackages.Version, "--tool-path", toolPath, "--configfile", config],
            InstallTimeout);
        Assert.True(install.ExitCode == 0, $"dotnet tool install exited {install.ExitCode}:\n{string.Join('\n', install.Output)}\n{install.Error}");

        var sharedlist = Path.Combine(toolPath, "sharedlist");
        Assert.True(File.Exists(sharedlist), $"the tool path has no sharedlist command: {string.Join(", ", Directory.GetFileSystemEntries(toolPath))}");

        await using (var version = Start(sharedlist, "--version"))
        {
            var run = await version.RunToEndAsync(string.Empty, Timeout);
            Assert.Equal(0, run.ExitCode);
            Assert.Equal([PackedPackages.Version], run.Output);
        }

        await using var server = Start(sharedlist, "serve", "--port", "0");
        var readiness = await server.ReadLineAsync(Timeout);
        var match = ReadinessLine().Match(readiness ?? string.Empty);
        Assert.True(match.Success, $"expected the readiness line, got '{readiness}'; stderr: {server.StandardError}");
        var endPoint = IPEndPoint.Parse(match.Groups["endpoint"].Value);

        await using (var client = Start(sharedlist, "connect", endPoint.Address.ToString(), endPoint.Port.ToString(CultureInfo.InvariantCulture)))
        {
            var run = await client.RunToEndAsync("from the tool\nLIST\n", Timeout);
            Assert.Equal(["Ack", "['from the tool']"], run.Output);
            Assert.Equal(0, run.ExitCode);
        }

        await server.StandardInput.WriteLineAsync("EXIT");
        await server.StandardInput.FlushAsync();
        Assert.Equal(0, await server.WaitForExitAsync(Timeout));
    }

    [Fact]
    public void The_library_package_carries_its_readme_xml_docs_licence_and_repository()
    {
        using var package = ZipFile.OpenRead(packages.LibraryPackage);
        var entries = package.Entries.Select(entry => entry.FullName).ToHashSet();
        Assert.Contains("README.md", entries);
        Assert.Contains("lib/net10.0/SocketServer.dll", entries);
        Assert.Contains("lib/net10.0/SocketServer.xml", entries);

        using var nuspecStream = package.GetEntry("SocketServer.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(element => element.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(element => element.Name.LocalName == name)?.Value;
        Assert.Equal("SocketServer", Value("id"));
        Assert.Equal(PackedPackages.Version, Value("version"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        var repository = metadata.Elements().Single(element => element.Name.LocalName == "repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);

        // Only a package's dependencies may come along: the library packs none of the service, the CLI or the tests.
        Assert.DoesNotContain(entries, entry => entry.Contains("SharedList", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The installed command is the SDK's apphost shim: it finds the runtime through DOTNET_ROOT, which names the
    /// runtime these tests run on, wherever it is installed.
    /// </summary>
    private static CliProcess Start(string sharedlist, params string[] arguments) =>
        CliProcess.StartProgram(sharedlist, arguments, new Dictionary<string, string>
        {
            ["DOTNET_ROOT"] = DotnetRoot,
            ["SHAREDLIST_PASSWORD"] = "",
        });

    /// <summary>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/ → &lt;root&gt;.</summary>
    private static string DotnetRoot => Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    [GeneratedRegex(@"^listening on (?<endpoint>\S+) \((?<model>[^)]+)\)$")]
    private static partial Regex ReadinessLine();
}

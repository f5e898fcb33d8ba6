using System.Net;
using System.Text.RegularExpressions;
using SharedList.Tests.Support;

namespace SharedList.Tests.EndToEnd;

/// <summary><c>serve --tls-cert</c> and <c>connect --tls</c> as processes: every certificate form, every way to trust, every refusal.</summary>
public sealed class TlsCliTests(TestCertificate certificate) : IClassFixture<TestCertificate>
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    public static TheoryData<string, string> ModelsAndForms => new()
    {
        { "async", "pem" },
        { "threading", "pem+key" },
        { "pool", "pfx" },
        { "sequential", "pem" },
    };

    [Theory]
    [MemberData(nameof(ModelsAndForms))]
    public async Task A_TLS_server_and_a_client_trusting_its_certificate_talk(string model, string form)
    {
        var (server, endPoint) = await StartTlsServerAsync(["--model", model, .. ServeOptions(form)]);
        await using (server)
        {
            var run = await ScriptedClient.RunAsync(endPoint, "a\nb\nLIST\n", "--tls", "--tls-trust", certificate.CombinedPemPath);

            Assert.Equal(["Ack", "Ack", "['a', 'b']"], run.Output);
            Assert.Equal(0, run.ExitCode);
            Assert.Empty(run.Error);
        }
    }

    [Fact]
    public async Task The_client_checks_names_against_the_host_it_was_given()
    {
        var (server, endPoint) = await StartTlsServerAsync("--tls-cert", certificate.CombinedPemPath);
        await using (server)
        {
            await using var client = CliProcess.Start("connect", "--tls", "--tls-trust", certificate.CertificatePemPath, "localhost", endPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var run = await client.RunToEndAsync("x\nLIST\n", Timeout);

            Assert.Equal(["Ack", "['x']"], run.Output);
            Assert.Equal(0, run.ExitCode);
        }
    }

    [Fact]
    public async Task Insecure_accepts_the_self_signed_certificate()
    {
        var (server, endPoint) = await StartTlsServerAsync("--tls-cert", certificate.CombinedPemPath);
        await using (server)
        {
            var run = await ScriptedClient.RunAsync(endPoint, "x\nLIST\n", "--tls", "--tls-insecure");

            Assert.Equal(["Ack", "['x']"], run.Output);
            Assert.Equal(0, run.ExitCode);
        }
    }

    [Fact]
    public async Task Without_a_trust_option_the_self_signed_certificate_is_refused_and_the_server_goes_on()
    {
        var (server, endPoint) = await StartTlsServerAsync("--tls-cert", certificate.CombinedPemPath);
        await using (server)
        {
            var refused = await ScriptedClient.RunAsync(endPoint, "x\n", "--tls");

            Assert.Equal(1, refused.ExitCode);
            Assert.Empty(refused.Output);
            Assert.StartsWith("error: TLS handshake failed: ", refused.Error, StringComparison.Ordinal);
            Assert.Single(refused.Error.Trim().Split('\n'));

            var trusting = await ScriptedClient.RunAsync(endPoint, "LIST\n", "--tls", "--tls-trust", certificate.CertificatePemPath);
            Assert.Equal(["[]"], trusting.Output);
        }
    }

    [Fact]
    public async Task A_TLS_client_against_a_plain_server_fails_its_handshake()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync();
        await using (server)
        {
            var run = await ScriptedClient.RunAsync(endPoint, "x\n", "--tls", "--tls-insecure");

            Assert.Equal(1, run.ExitCode);
            Assert.StartsWith("error: TLS handshake failed: ", run.Error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--model", "select")]
    [InlineData("--udp", "--model", "threading")]
    public async Task Serve_refuses_TLS_where_the_model_cannot_offer_it(params string[] options)
    {
        await using var process = CliProcess.Start(["serve", "--port", "0", "--tls-cert", certificate.CombinedPemPath, .. options]);

        Assert.NotEqual(0, await process.WaitForExitAsync(Timeout));
        Assert.Contains("--tls-cert does not work with", process.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("no-key")]
    [InlineData("wrong-password")]
    [InlineData("directory")]
    public async Task A_certificate_that_cannot_be_used_gives_one_line_and_a_non_zero_exit(string problem)
    {
        var (options, expected) = problem switch
        {
            "missing" => (new[] { "--tls-cert", Path.Combine(certificate.Directory, "nope.pem") }, $"error: cannot load --tls-cert: {Path.Combine(certificate.Directory, "nope.pem")}: no such file"),
            "no-key" => (new[] { "--tls-cert", certificate.CertificatePemPath }, $"error: cannot load --tls-cert: {certificate.CertificatePemPath} holds no private key (give the key file as well)"),
            "directory" => (new[] { "--tls-cert", certificate.Directory }, $"error: cannot load --tls-cert: {certificate.Directory} is a directory: give the certificate file itself"),
            _ => (new[] { "--tls-cert", certificate.PfxPath, "--tls-cert-password", "wrong" }, $"error: cannot load --tls-cert: {certificate.PfxPath} is not PEM"),
        };
        await using var process = CliProcess.Start(["serve", "--port", "0", .. options]);

        Assert.NotEqual(0, await process.WaitForExitAsync(Timeout));
        Assert.StartsWith(expected, process.StandardError, StringComparison.Ordinal);
        Assert.Single(process.StandardError.Trim().Split('\n'));
        Assert.Empty(await process.ReadToEndAsync(Timeout));
    }

    [Theory]
    [InlineData("--tls-trust", "cert")]
    [InlineData("--tls-insecure")]
    [InlineData("--tls", "--udp")]
    [InlineData("--tls", "--tls-insecure", "--tls-trust", "cert")]
    public async Task Connect_refuses_TLS_options_that_make_no_sense(params string[] options)
    {
        var arguments = options.Select(o => o == "cert" ? certificate.CertificatePemPath : o);
        await using var process = CliProcess.Start(["connect", .. arguments]);

        Assert.NotEqual(0, await process.WaitForExitAsync(Timeout));
        Assert.NotEmpty(process.StandardError);
        Assert.DoesNotContain("   at ", process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_trust_file_gives_one_line_and_exit_1()
    {
        var path = Path.Combine(certificate.Directory, "nope.pem");
        await using var process = CliProcess.Start("connect", "--tls", "--tls-trust", path);

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        Assert.Equal($"error: cannot load --tls-trust: {path}: no such file", process.StandardError.Trim());
    }

    /// <summary>Starts <c>serve</c> on port 0 and checks its readiness line names the model with <c>, tls</c>.</summary>
    private static async Task<(CliProcess Process, IPEndPoint EndPoint)> StartTlsServerAsync(params string[] options)
    {
        var model = options.SkipWhile(o => o != "--model").Skip(1).FirstOrDefault() ?? "async";
        var process = CliProcess.Start(["serve", "--port", "0", .. options]);
        try
        {
            var line = await process.ReadLineAsync(Timeout);
            var match = Regex.Match(line ?? string.Empty, @"^listening on (?<endpoint>\S+) \((?<model>[^)]+)\)$");
            Assert.True(match.Success, $"expected the readiness line, got '{line}'; stderr: {process.StandardError}");
            Assert.Equal($"{model}, tls", match.Groups["model"].Value);
            return (process, IPEndPoint.Parse(match.Groups["endpoint"].Value));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private string[] ServeOptions(string form) => form switch
    {
        "pem" => ["--tls-cert", certificate.CombinedPemPath],
        "pem+key" => ["--tls-cert", certificate.CertificatePemPath, "--tls-key", certificate.KeyPemPath],
        _ => ["--tls-cert", certificate.PfxPath, "--tls-cert-password", TestCertificate.PfxPassword],
    };
}

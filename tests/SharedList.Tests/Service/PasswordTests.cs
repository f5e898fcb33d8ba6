using System.Text;
using SharedList.Hosting;
using SharedList.Service;

namespace SharedList.Tests.Service;

/// <summary>
/// What <see cref="Password.Matches"/> accepts. The comparison is constant-time by construction (SHA-256 of both
/// sides, then <c>CryptographicOperations.FixedTimeEquals</c>); timing is not measured here, only that exactly
/// the configured bytes match, whatever their length relative to the password.
/// </summary>
public class PasswordTests
{
    [Theory]
    [InlineData("s3cret", "s3cret", true)]
    [InlineData("s3cret", "s3cre", false)]
    [InlineData("s3cret", "s3cret ", false)]
    [InlineData("s3cret", "s3cretx", false)]
    [InlineData("s3cret", "S3cret", false)]
    [InlineData("s3cret", "", false)]
    [InlineData("s3cret", "x3cret", false)]
    [InlineData("two words", "two words", true)]
    [InlineData("two words", "two", false)]
    [InlineData("pässwörd ☃", "pässwörd ☃", true)]
    [InlineData("pässwörd ☃", "password ☃", false)]
    public void Only_the_exact_UTF8_bytes_match(string password, string candidate, bool expected)
    {
        Assert.Equal(expected, new Password(password).Matches(Encoding.UTF8.GetBytes(candidate)));
    }

    [Fact]
    public void The_same_text_in_another_encoding_does_not_match()
    {
        Assert.False(new Password("pässwörd").Matches(Encoding.Latin1.GetBytes("pässwörd")));
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_simply_wrong()
    {
        Assert.False(new Password("s3cret").Matches([0xff, 0xfe, 0x80]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Null_or_empty_means_no_password(string? value)
    {
        Assert.Null(Password.FromOptional(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\nb")]
    [InlineData("ends with cr\r")]
    public void Empty_passwords_and_line_breaks_are_refused(string value)
    {
        Assert.ThrowsAny<ArgumentException>(() => new Password(value));
    }

    [Fact]
    public void Settings_holding_a_password_never_print_it()
    {
        var password = new Password("s3cret");
        var settings = new ServerSettings { Password = password };
        var options = new SharedListOptions { Password = password };

        Assert.Equal("***", password.ToString());
        Assert.DoesNotContain("s3cret", settings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("Password = ***", settings.ToString(), StringComparison.Ordinal);
    }
}

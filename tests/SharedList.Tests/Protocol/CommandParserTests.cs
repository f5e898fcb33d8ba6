using System.Text;
using SharedList.Protocol;

namespace SharedList.Tests.Protocol;

public class CommandParserTests
{
    [Theory]
    [InlineData("LIST", Command.List)]
    [InlineData("CLEAR", Command.Clear)]
    [InlineData("", Command.Append)]
    [InlineData("list", Command.Append)]
    [InlineData("Clear", Command.Append)]
    [InlineData(" LIST", Command.Append)]
    [InlineData("LIST ", Command.Append)]
    [InlineData("LIST\r", Command.Append)]
    [InlineData("LISTS", Command.Append)]
    [InlineData("CLEAR\n", Command.Append)]
    [InlineData("EXIT", Command.Append)]
    [InlineData("AUTH s3cret", Command.Auth)]
    [InlineData("AUTH ", Command.Auth)]
    [InlineData("AUTH two words", Command.Auth)]
    [InlineData("AUTH", Command.Append)]
    [InlineData("AUTHx", Command.Append)]
    [InlineData("auth s3cret", Command.Append)]
    [InlineData(" AUTH s3cret", Command.Append)]
    public void Only_the_exact_keywords_are_commands(string message, Command expected)
    {
        Assert.Equal(expected, CommandParser.Parse(Encoding.UTF8.GetBytes(message)));
    }

    [Theory]
    [InlineData("AUTH s3cret", "s3cret")]
    [InlineData("AUTH ", "")]
    [InlineData("AUTH  two  words ", " two  words ")]
    public void The_password_is_the_whole_rest_of_the_message_spaces_included(string message, string password)
    {
        Assert.Equal(password, Encoding.UTF8.GetString(CommandParser.AuthPassword(Encoding.UTF8.GetBytes(message))));
    }

    [Fact]
    public void Asking_for_the_password_of_another_message_is_a_bug()
    {
        Assert.Throws<ArgumentException>(() => CommandParser.AuthPassword("LIST"u8));
    }
}

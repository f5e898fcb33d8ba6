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
    public void Only_the_exact_keywords_are_commands(string message, Command expected)
    {
        Assert.Equal(expected, CommandParser.Parse(Encoding.UTF8.GetBytes(message)));
    }
}

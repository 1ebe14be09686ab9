using System.Text.RegularExpressions;
using BreachNotify.FunctionApp.Tests.Infrastructure;

namespace BreachNotify.FunctionApp.Tests.Documentation;

/// <summary>
/// The documentation stands on its own in a clone: every relative link in a Markdown file points to a file of the
/// repository, and nothing (docs or code comments) cites notes that live outside it (a sibling <c>shared/reference</c>
/// folder, a machine's <c>/work/</c> paths). Facts come from public sources, cited by URL, or are written down here.
/// </summary>
public sealed partial class DocumentationTests
{
    private static readonly string[] SkippedFolders = ["node_modules", "bin", "obj", ".git", "artifacts", "TestResults", "BenchmarkDotNet.Artifacts", "StrykerOutput"];

    private static readonly string[] TextExtensions = [".md", ".cs", ".sh", ".mjs", ".js", ".json", ".bicep", ".bicepparam", ".props", ".targets", ".csproj", ".txt", ".html", ".css"];

    private static IEnumerable<string> RepositoryFiles(params string[] extensions)
    {
        var pending = new Stack<string>([RepoPaths.Root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                var name = Path.GetFileName(sub);
                if (!SkippedFolders.Contains(name, StringComparer.Ordinal) && !name.StartsWith('.')) pending.Push(sub);
            }
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                if (extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase)) yield return file;
            }
        }
    }

    private static string Relative(string path) => Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/');

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    // The notes a working copy may sit next to, and absolute paths of one machine: never in a clone.
    [GeneratedRegex(@"shared/reference|\.\./shared/|(?<![\w.:/-])/work/|privacy-law\.md")]
    private static partial Regex OutsideReference();

    [Fact]
    public void Relative_links_in_markdown_point_to_files_of_the_repository()
    {
        var problems = new List<string>();
        var files = RepositoryFiles(".md").ToList();
        Assert.Contains(files, f => Relative(f) == "docs/notices.md"); // the walk found the docs
        foreach (var file in files)
        {
            foreach (Match m in MarkdownLink().Matches(File.ReadAllText(file)))
            {
                var target = m.Groups["target"].Value;
                if (target.StartsWith('#') || Regex.IsMatch(target, "^[a-zA-Z][a-zA-Z0-9+.-]*:")) continue; // anchors, URLs, mailto:
                var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target.Split('#')[0]));
                var inside = !Path.GetRelativePath(RepoPaths.Root, resolved).StartsWith("..", StringComparison.Ordinal);
                if (!inside || !(File.Exists(resolved) || Directory.Exists(resolved)))
                    problems.Add($"{Relative(file)}: ({target}) is {(inside ? "missing" : "outside the repository")}");
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Nothing_cites_notes_outside_the_repository()
    {
        var problems = new List<string>();
        foreach (var file in RepositoryFiles(TextExtensions))
        {
            if (Relative(file) == "tests/BreachNotify.FunctionApp.Tests/Documentation/DocumentationTests.cs") continue; // the patterns themselves
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (OutsideReference().IsMatch(lines[i])) problems.Add($"{Relative(file)}:{i + 1}: {lines[i].Trim()}");
            }
        }
        Assert.True(problems.Count == 0, "Cite a public source (EUR-Lex, EDPB, vendor docs) or write the fact down in docs/:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }
}

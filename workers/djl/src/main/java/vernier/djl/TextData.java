package vernier.djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Text classification data: token ids (0 = padding, 1 = unknown) and labels, with the vocabulary
 * and label names taken from the training split.
 */
final class TextData {

  record Example(int[] tokens, int label) {}

  final List<Example> train;
  final List<Example> valid;
  final int vocabularySize;
  final List<String> labels;

  private TextData(
      List<Example> train, List<Example> valid, int vocabularySize, List<String> labels) {
    this.train = train;
    this.valid = valid;
    this.vocabularySize = vocabularySize;
    this.labels = labels;
  }

  /** Reads TSV files of {@code label<TAB>text}. */
  static TextData load(Path train, Path valid, int maxLength) throws IOException {
    return build(readTsv(train), readTsv(valid), maxLength);
  }

  private static List<String[]> readTsv(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    int line = 0;
    for (String text : Files.readAllLines(file)) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      int tab = text.indexOf('\t');
      if (tab <= 0) {
        throw new IllegalArgumentException(file + ":" + line + ": expected label<TAB>text");
      }
      rows.add(new String[] {text.substring(0, tab), text.substring(tab + 1)});
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(file + ": no examples");
    }
    return rows;
  }

  /**
   * The built-in task, no download: short "news headlines" about four topics. Each word comes from
   * the headline's topic (30 %), from another topic (12 %) or from shared filler words, and 3 % of
   * labels are wrong, so the best accuracy is a little below 100 % and needs a model that weighs
   * evidence across the sentence.
   */
  static TextData builtIn(int maxLength) {
    return build(generate(3000, 11), generate(600, 12), maxLength);
  }

  private static final String[][] TOPIC_WORDS = {
    {
      "match",
      "goal",
      "coach",
      "league",
      "striker",
      "season",
      "referee",
      "penalty",
      "stadium",
      "keeper",
      "derby",
      "tournament"
    },
    {
      "chip",
      "software",
      "startup",
      "cloud",
      "server",
      "robot",
      "laptop",
      "network",
      "compiler",
      "sensor",
      "algorithm",
      "browser"
    },
    {
      "recipe",
      "bakery",
      "cheese",
      "harvest",
      "chef",
      "soup",
      "spice",
      "orchard",
      "vineyard",
      "bread",
      "tomato",
      "noodle"
    },
    {
      "storm",
      "rainfall",
      "forecast",
      "drought",
      "heatwave",
      "snow",
      "flood",
      "thunder",
      "breeze",
      "frost",
      "humidity",
      "cyclone"
    }
  };
  private static final String[] TOPICS = {"sport", "tech", "food", "weather"};
  private static final String[] FILLER = {
    "the", "a", "new", "after", "city", "report", "says", "week", "big", "local", "record", "again",
    "first", "plans", "near", "with", "over", "year", "people", "today", "top", "more", "early",
    "late", "major", "small", "north", "south", "east", "west"
  };

  private static List<String[]> generate(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int topic = random.nextInt(TOPICS.length);
      int length = 6 + random.nextInt(9);
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < length; w++) {
        double u = random.nextDouble();
        String word;
        if (u < 0.30) {
          word = pick(TOPIC_WORDS[topic], random);
        } else if (u < 0.42) {
          word = pick(TOPIC_WORDS[random.nextInt(TOPICS.length)], random);
        } else {
          word = pick(FILLER, random);
        }
        text.append(w == 0 ? "" : " ").append(word);
      }
      int label = random.nextDouble() < 0.03 ? random.nextInt(TOPICS.length) : topic;
      rows.add(new String[] {TOPICS[label], text.toString()});
    }
    return rows;
  }

  private static String pick(String[] words, SplittableRandom random) {
    return words[random.nextInt(words.length)];
  }

  private static TextData build(List<String[]> trainRows, List<String[]> validRows, int maxLength) {
    Map<String, Integer> vocabulary = new HashMap<>();
    Map<String, Integer> labels = new HashMap<>();
    List<String> labelNames = new ArrayList<>();
    for (String[] row : trainRows) {
      if (!labels.containsKey(row[0])) {
        labels.put(row[0], labels.size());
        labelNames.add(row[0]);
      }
      for (String token : tokens(row[1])) {
        vocabulary.putIfAbsent(token, vocabulary.size() + 2); // 0 = padding, 1 = unknown
      }
    }
    return new TextData(
        encode(trainRows, vocabulary, labels, maxLength),
        encode(validRows, vocabulary, labels, maxLength),
        vocabulary.size() + 2,
        labelNames);
  }

  private static List<Example> encode(
      List<String[]> rows,
      Map<String, Integer> vocabulary,
      Map<String, Integer> labels,
      int maxLength) {
    List<Example> out = new ArrayList<>();
    for (String[] row : rows) {
      Integer label = labels.get(row[0]);
      if (label == null) {
        throw new IllegalArgumentException(
            "label '" + row[0] + "' does not occur in the training data");
      }
      String[] tokens = tokens(row[1]);
      int[] ids = new int[maxLength];
      for (int i = 0; i < Math.min(maxLength, tokens.length); i++) {
        ids[i] = vocabulary.getOrDefault(tokens[i], 1);
      }
      out.add(new Example(ids, label));
    }
    return out;
  }

  private static String[] tokens(String text) {
    return text.toLowerCase(Locale.ROOT).trim().split("\\s+");
  }
}

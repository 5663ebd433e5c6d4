import java.util.*;
import org.apache.kafka.common.TopicPartition;

/**
 * Records how the JDK's own java.util.HashMap iterates after scripted operations, for
 * lib/balancer/java_order_test.ts (the orders AutoMQ's balancer sees among equal loads).
 * Written by the lab's team; it is not part of the lab and nothing runs it. To regenerate
 * jdk17_hashmap_orders.jsonl beside it, with JDK 17 and kafka-clients 3.9.1 (Maven Central):
 *
 *   javac -cp kafka-clients-3.9.1.jar -d /tmp HashMapOrders.java
 *   java -cp kafka-clients-3.9.1.jar:/tmp HashMapOrders 20260 20 > jdk17_hashmap_orders.jsonl
 *
 * Output: JSON lines, one scenario each:
 * {"name":..., "keys":"int"|"tp", "ops":"M0 C5 P7 R5 O ...", "orders":["k k k", ...]}
 * Ops: C key = compute (insert if absent), P key = putIfAbsent, R key = remove, M i = switch
 * to map i (a new HashMap the first time), O = record the current map's iteration order.
 * Integer keys are written as numbers, TopicPartition keys as topic/partition.
 */
public class HashMapOrders {
    static int state;
    static int next() { // mulberry32
        state += 0x6D2B79F5;
        int t = state;
        t = (t ^ (t >>> 15)) * (t | 1);
        t ^= t + (t ^ (t >>> 7)) * (t | 61);
        return t ^ (t >>> 14);
    }
    static int below(int n) { return (int) ((next() & 0x7fffffffL) % n); }

    static StringBuilder ops;
    static List<String> orders;
    static List<Map<Object, Object>> maps;
    static int current;

    static String name(Object k) {
        if (k instanceof TopicPartition tp) return tp.topic() + "/" + tp.partition();
        return String.valueOf(k);
    }
    static void op(String code, Object k) { ops.append(code).append(name(k)).append(' '); }
    static Map<Object, Object> map() { return maps.get(current); }
    static void use(int i) {
        while (maps.size() <= i) maps.add(new HashMap<>());
        current = i;
        ops.append("M").append(i).append(' ');
    }
    static void compute(Object k) { op("C", k); map().compute(k, (key, v) -> v == null ? "v" : v); }
    static void put(Object k) { op("P", k); map().putIfAbsent(k, "v"); }
    static void remove(Object k) { op("R", k); map().remove(k); }
    static List<Object> order() {
        ops.append("O ");
        List<Object> keys = new ArrayList<>(map().keySet());
        StringBuilder sb = new StringBuilder();
        for (Object k : keys) sb.append(sb.length() == 0 ? "" : " ").append(name(k));
        orders.add(sb.toString());
        return keys;
    }

    static void begin() {
        ops = new StringBuilder();
        orders = new ArrayList<>();
        maps = new ArrayList<>();
        use(0);
    }
    static void end(String name, String keys) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"name\":\"").append(name).append("\",\"keys\":\"").append(keys)
            .append("\",\"ops\":\"").append(ops.toString().trim()).append("\",\"orders\":[");
        for (int i = 0; i < orders.size(); i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(orders.get(i)).append('"');
        }
        System.out.println(sb.append("]}"));
    }

    static List<Integer> ids(int kind, int n) {
        LinkedHashSet<Integer> set = new LinkedHashSet<>();
        int base = below(3000);
        int stride = new int[] {16, 32, 64, 128, 256, 1024}[below(6)];
        while (set.size() < n) {
            int i = set.size();
            switch (kind) {
                case 0 -> set.add(below(5000));
                case 1 -> set.add(base + stride * below(4 * n) + (below(4) == 0 ? below(3) : 0));
                case 2 -> set.add(base + i);
                case 3 -> set.add(below(8) * 65536 + below(40));
                default -> set.add(stride * below(n + 20));
            }
        }
        List<Integer> list = new ArrayList<>(set);
        Collections.shuffle(list, new Random(next()));
        return list;
    }

    /** Brokers registered by compute, then the snapshot: a new map, put in the first's order. */
    static void register(int round) {
        int[] sizes = {3, 5, 8, 12, 13, 16, 24, 25, 30, 48, 49, 64, 97, 130};
        int n = sizes[below(sizes.length)];
        int kind = round % 5;
        begin();
        List<Integer> ids = ids(kind, n);
        for (int id : ids) compute(id);
        List<Object> controller = order();
        Set<Object> excluded = new HashSet<>();
        int drop = below(4) == 0 ? below(n / 2 + 1) : below(3);
        for (int i = 0; i < drop; i++) excluded.add(controller.get(below(controller.size())));
        use(1);
        for (Object id : controller) if (!excluded.contains(id)) put(id);
        order();
        use(2); // the same ids put (not computed) in registration order
        for (int id : ids) put(id);
        order();
        end("register-" + round + "-kind" + kind + "-n" + n, "int");
    }

    /** Random puts, computes and removes of colliding Integer keys: trees grow, split, shrink. */
    static void churn(int round) {
        begin();
        int stride = new int[] {16, 64, 128, 1024}[below(4)];
        int span = 40 + below(200);
        List<Integer> present = new ArrayList<>();
        int steps = 150 + below(250);
        for (int s = 0; s < steps; s++) {
            int r = below(10);
            if (r < 3 && !present.isEmpty()) {
                Integer k = present.remove(below(present.size()));
                remove(k);
            } else {
                int k = below(3) == 0 ? below(span) : stride * below(span / 4 + 1) + below(2);
                if (present.contains(k)) continue;
                present.add(k);
                if (r < 6) put(k); else compute(k);
            }
            if (s % 40 == 39) order();
        }
        order();
        end("churn-" + round + "-stride" + stride, "int");
    }

    /** TopicPartition keys: brokers' partition maps filled by put, then partitions move. */
    static void partitions(int round) {
        begin();
        int topics = 1 + below(6);
        String[] names = new String[topics];
        for (int t = 0; t < topics; t++) {
            names[t] = new String[] {"t", "topic-", "traffic-test", "orders-", "a"}[below(5)] + below(100);
        }
        int brokers = 2 + below(3);
        Set<Integer> hashes = new HashSet<>();
        List<List<TopicPartition>> on = new ArrayList<>();
        for (int b = 0; b < brokers; b++) on.add(new ArrayList<>());
        boolean collide = round % 3 == 0; // many partitions p ≡ r (mod 64) of one topic
        int count = 20 + below(collide ? 150 : 220);
        int r0 = below(64);
        for (int i = 0; i < count; i++) {
            String topic = names[below(topics)];
            int p = collide && below(2) == 0 ? r0 + 64 * below(12) : below(400);
            TopicPartition tp = new TopicPartition(topic, p);
            if (!hashes.add(tp.hashCode())) continue; // equal hashes: identity order in trees
            int b = below(3) == 0 ? 0 : below(brokers);
            on.get(b).add(tp);
            use(b);
            put(tp);
        }
        for (int b = 0; b < brokers; b++) { use(b); order(); }
        for (int m = 0; m < 60 + below(120); m++) {
            int from = below(brokers), to = below(brokers);
            if (from == to || on.get(from).isEmpty()) continue;
            TopicPartition tp = on.get(from).remove(below(on.get(from).size()));
            on.get(to).add(tp);
            use(from);
            remove(tp);
            use(to);
            put(tp);
        }
        for (int b = 0; b < brokers; b++) { use(b); order(); }
        end("partitions-" + round + (collide ? "-colliding" : ""), "tp");
    }

    public static void main(String[] args) {
        state = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        for (int i = 0; i < rounds; i++) register(i);
        for (int i = 0; i < rounds / 2; i++) churn(i);
        for (int i = 0; i < rounds / 2; i++) partitions(i);
    }
}

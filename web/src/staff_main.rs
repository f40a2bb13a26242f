fn main() {
    tongban_web::staff::start();
}
